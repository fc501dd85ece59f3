import { describe, expect, it } from 'vitest';
import { createEventIdMask, createMask, deriveDestinationKey } from './hmac-mask.js';

const master = Buffer.alloc(32, 7);

describe('HMAC masking', () => {
  it('is stable, prefixed with the key id and normalises emails', () => {
    const mask = createMask('k1', deriveDestinationKey(master, 'ga4'));
    expect(mask(' Jane@Example.com ')).toBe(mask('jane@example.com'));
    expect(mask('user-1')).toMatch(/^k1:[A-Za-z0-9_-]{43}$/);
    expect(mask('user-1')).not.toBe(mask('user-2'));
    expect(mask(42)).toBe(mask('42'));
  });

  it('derives a different key per destination so people cannot be joined across vendors', () => {
    const a = createMask('k1', deriveDestinationKey(master, 'ga4'));
    const b = createMask('k1', deriveDestinationKey(master, 'webhook'));
    expect(a('user-1')).not.toBe(b('user-1'));
  });

  it('changes every value when the key rotates', () => {
    const before = createMask('k1', deriveDestinationKey(master, 'ga4'));
    const after = createMask('k2', deriveDestinationKey(Buffer.alloc(32, 8), 'ga4'));
    expect(after('user-1').slice(3)).not.toBe(before('user-1').slice(3));
  });

  it('derives opaque event ids of 32 characters', () => {
    const id = createEventIdMask(deriveDestinationKey(master, 'ga4'));
    expect(id('m-1')).toHaveLength(32);
    expect(id('m-1')).toBe(id('m-1'));
    expect(id('m-1')).not.toContain('m-1');
  });
});
