import { describe, expect, it } from 'vitest';
import { phiKind } from './looks-like-phi.js';
import { screenText } from './screen-text.js';

describe('phiKind', () => {
  it.each([
    ['jane.doe@example.com', 'email'],
    ['JANE@EXAMPLE.ORG', 'email'],
    ['jane ＠ example.com', 'email'],
    ['jane%40example.com', 'email'],
    ['jane%2540example.com', 'email'],
    ['jane%252540example.com', 'email'],
    ['jane&#64;example.com', 'email'],
    ['jane&#x40;example.com', 'email'],
    ['jane (at) example (dot) com', 'email'],
    ['jane at example dot com', 'email'],
    ['ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ', 'email'],
    ['amFuZS5jYW5hcnlAZXhhbXBsZS5jb20=', 'email'],
    ['SSN 123-45-6789', 'ssn'],
    ['123 45 6789', 'ssn'],
    ['123456789', 'ssn'],
    ['123.45.6789', 'ssn'],
    ['０７８-０５-１１２０', 'ssn'],
    ['078\u200B05\u200B1120', 'ssn'],
    ['078%2D05%2D1120', 'ssn'],
    ['078%252D05%252D1120', 'ssn'],
    ['٠٧٨-٠٥-١١٢٠', 'ssn'],
    ['078–05–1120', 'ssn'],
    ['(555) 867-5309', 'phone'],
    ['+1 555 867 5309', 'phone'],
    ['555.867.5309', 'phone'],
    ['5558675309', 'phone'],
    ['+44 20 7946 0958', 'phone'],
    ['0044 20 7946 0958', 'phone'],
    ['020 7946 0958', 'phone'],
    ['+49 30 901820', 'phone'],
    ['+91 98765 43210', 'phone'],
    ['+33 1 42 68 53 00', 'phone'],
    ['tel:+61-2-9374-4000', 'phone'],
    ['4111 1111 1111 1111', 'card'],
    ['4111111111111111', 'card'],
    ['192.168.10.24', 'ip'],
    ['/patients/10.1.2.3/chart', 'ip'],
    ['2001:db8::ff00:42:8329', 'ip'],
    ['::ffff:192.0.2.1', 'ip'],
    ['1984-07-14', 'date'],
    ['7/14/1984', 'date'],
    ['14.07.1984', 'date'],
    ['19840714', 'date'],
    ['07141984', 'date'],
    ['July 14, 1984', 'date'],
    ['14 July 1984', 'date'],
    ['14-Jul-1984', 'date'],
    ['jul 14th 1984', 'date'],
    ['DOB 4/12/61', 'date'],
    ['9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 'hash'],
    // Forms an attacker's review found missing.
    ['612 34 56 78', 'phone'],
    ['7946 0958 20', 'phone'],
    ['123:45:6789', 'ssn'],
    ['123|45|6789', 'ssn'],
    ['555,867,5309', 'phone'],
    ['5 5 5 8 6 7 5 3 0 9', 'phone'],
    ['1 2 3 4 5 6 7 8 9', 'ssn'],
    ['1961年4月12日', 'date'],
    ['1961년 4월 12일', 'date'],
    ['12 avril 1961', 'date'],
    ['le 12 février 1961', 'date'],
    ['12 апреля 1961 г.', 'date'],
    ['12 de abril de 1961', 'date'],
    ['12. März 1961', 'date'],
    ['12th of April 1961', 'date'],
    ['1er avril 1961', 'date'],
    ['12.04.61', 'date'],
    ['041261', 'date'],
    ['ip-203-0-113-45', 'ip'],
    ['host_10_0_0_12', 'ip'],
    ['jane@example dot com', 'email'],
    ['jane[at]example[dot]com', 'email'],
    ['jane@пример.рф', 'email'],
    ['jane@exämple.com', 'email'],
    ['YUBiLmNv', 'email'],
    ['email=amFuZUBleGFtcGxlLmNvbQ==', 'email'],
    ['?e=amFuZUB4LmNv&x=1', 'email'],
  ])('%s is %s', (value, kind) => {
    expect(phiKind(value)).toBe(kind);
  });

  it.each([
    'behavioral-health', 'clinic-7', 'Book now', '42', 'cardiology', 'v2.3.1', '1.13.16', 'follow us @clinic',
    'Chrome 120 (Windows)', 'new-patient', 'covid-19 vaccines', 'room 12', '$1299.00', 'spring 2026 campaign',
    'Appointments at the north clinic',
    // False positives an attacker's review found: versions, timestamps, code, file names, times.
    'Chrome 120.0.6099.109', 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.6099.109', 'v10.2.0.1',
    '1732900000', 'std::vector<int>', 'image@2x.png', 'logo@3x.webp', '10:30:45', 'order 000-12-3456',
    '966123456', 'appointment', 'cardiology-consult',
  ])('%s is ordinary', (value) => {
    expect(phiKind(value)).toBeUndefined();
  });

  it('folds encodings to a fixed point, bounded', () => {
    expect(screenText('a%2540b')).toBe('a@b');
    expect(screenText('%')).toBe('%');
    expect(screenText('%E2%82%AC %zz')).toBe('€ %zz');
  });
});
