import { describe, expect, it } from 'vitest';
import { phiKind } from './looks-like-phi.js';

describe('phiKind', () => {
  it.each([
    ['jane.doe@example.com', 'email'],
    ['SSN 123-45-6789', 'ssn'],
    ['(555) 867-5309', 'phone'],
    ['+1 555 867 5309', 'phone'],
    ['4111 1111 1111 1111', 'card'],
    ['192.168.10.24', 'ip'],
    ['2001:db8::ff00:42:8329', 'ip'],
    ['1984-07-14', 'date'],
    ['7/14/1984', 'date'],
  ])('%s is %s', (value, kind) => {
    expect(phiKind(value)).toBe(kind);
  });

  it.each(['behavioral-health', 'clinic-7', 'Book now', '42', 'cardiology', 'v2.3.1'])('%s is ordinary', (value) => {
    expect(phiKind(value)).toBeUndefined();
  });
});
