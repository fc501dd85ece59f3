/**
 * mask(v) = keyId + ":" + base64url(HMAC-SHA256(key_d, normalize(v))).
 * key_d is derived per destination with HKDF so one person cannot be joined across vendors.
 * This is pseudonymisation (45 CFR 164.514(c) does not call it de-identification): the value is
 * stable for joins inside one destination, and useless without the key that only the relay holds.
 */
import { createHmac, hkdfSync } from 'node:crypto';

export type MaskFn = (value: string | number | boolean) => string;

const HKDF_SALT = Buffer.from('palisade-mask-v1');

export function deriveDestinationKey(master: Buffer, destinationId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, HKDF_SALT, `destination:${destinationId}`, 32));
}

/** One `@` with text before it, a dot in the domain after it, no whitespace (a linear check). */
function isEmail(s: string): boolean {
  const at = s.indexOf('@');
  if (at < 1 || s.indexOf('@', at + 1) !== -1 || /\s/.test(s)) return false;
  const dot = s.indexOf('.', at + 2);
  return dot !== -1 && dot < s.length - 1;
}

/** Emails are case-insensitive in practice; everything else is only trimmed. */
export function normalizeForMask(value: string | number | boolean): string {
  const s = String(value).trim();
  return isEmail(s) ? s.toLowerCase() : s;
}

export function createMask(keyId: string, key: Buffer): MaskFn {
  return (value) => `${keyId}:${createHmac('sha256', key).update(normalizeForMask(value)).digest('base64url')}`;
}

/** A stable, opaque event id per destination: vendors dedup on it; the client's id never leaves. */
export function createEventIdMask(key: Buffer): (messageId: string) => string {
  return (messageId) => createHmac('sha256', key).update(`message:${messageId}`).digest('base64url').slice(0, 32);
}
