import { describe, expect, it } from 'vitest';
import { normalizeEmail, normalizePhone, sha256Hex } from './contact-hash.js';

describe('contact hashing follows each vendor’s normalization', () => {
  it('matches the hashes in Meta’s own documentation', () => {
    expect(sha256Hex(normalizeEmail('  John_Smith@Gmail.com ', 'lowercase')!)).toBe('62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f');
    expect(sha256Hex(normalizePhone('(650)555-1212', 'digits', '1')!)).toBe('e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176');
  });

  it.each([
    ['Jane.Doe+tag@Example.COM', 'lowercase', 'jane.doe+tag@example.com'],
    ['jane.doe@gmail.com', 'lowercase', 'jane.doe@gmail.com'],
    ['Jane.Doe@gmail.com', 'google', 'janedoe@gmail.com'],
    ['jane.doe@googlemail.com', 'google', 'janedoe@googlemail.com'],
    ['jane.doe@example.com', 'google', 'jane.doe@example.com'],
    ['Jane.Doe+news@example.com', 'microsoft', 'janedoe@example.com'],
    ['not an email', 'lowercase', undefined],
    ['two@@example.com', 'lowercase', undefined],
    ['nodomain@localhost', 'lowercase', undefined],
    ['+tag@example.com', 'microsoft', undefined],
  ] as const)('email %s (%s) -> %s', (raw, scheme, expected) => {
    expect(normalizeEmail(raw, scheme)).toBe(expected);
  });

  it.each([
    ['+1 (555) 010-4477', 'e164', '1', '+15550104477'],
    ['+1 (555) 010-4477', 'digits', '1', '15550104477'],
    ['555-010-4477', 'e164', '1', '+15550104477'],
    ['1-555-010-4477', 'e164', '1', '+15550104477'],
    ['0044 20 7946 0958', 'e164', '1', '+442079460958'],
    ['020 7946 0958', 'digits', '44', '442079460958'],
    ['call me maybe', 'e164', '1', undefined],
    ['12', 'e164', '1', undefined],
    ['+1234567890123456', 'e164', '1', undefined],
  ] as const)('phone %s (%s, country %s) -> %s', (raw, scheme, country, expected) => {
    expect(normalizePhone(raw, scheme, country)).toBe(expected);
  });

  it('stays linear on hostile input', () => {
    const started = performance.now();
    normalizeEmail(`${'a'.repeat(300)}@`, 'google');
    normalizePhone(`+${'1 '.repeat(50_000)}x`, 'e164', '1');
    normalizeEmail('a.'.repeat(100_000), 'microsoft');
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
