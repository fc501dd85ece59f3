import { describe, expect, it } from 'vitest';
import { associatedData, PayloadCipher } from './payload-cipher.js';

const cipher = new PayloadCipher(Buffer.alloc(32, 3));

describe('PayloadCipher', () => {
  it('round-trips, and refuses a payload sealed for another row or under another key', () => {
    const sealed = cipher.encrypt('{"a":1}', associatedData('d', 'e1'));
    expect(cipher.decrypt(sealed, associatedData('d', 'e1'))).toBe('{"a":1}');
    expect(() => cipher.decrypt(sealed, associatedData('d', 'e2'))).toThrow();
    expect(() => new PayloadCipher(Buffer.alloc(32, 4)).decrypt(sealed, associatedData('d', 'e1'))).toThrow();
    expect(sealed.includes(Buffer.from('"a"'))).toBe(false);
  });

  it('uses a fresh IV for every payload', () => {
    const a = cipher.encrypt('same', 'x');
    const b = cipher.encrypt('same', 'x');
    expect(a.subarray(1, 13).equals(b.subarray(1, 13))).toBe(false);
  });

  it('refuses a key of the wrong size', () => {
    expect(() => new PayloadCipher(Buffer.alloc(16))).toThrow(/32 bytes/);
  });
});
