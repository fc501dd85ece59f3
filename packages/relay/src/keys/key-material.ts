/**
 * Keys arrive as text (env var or file): 64+ hex characters or base64/base64url.
 * Both the masking key and the data key must decode to at least 32 bytes.
 */
import { randomBytes } from 'node:crypto';

export const MIN_KEY_BYTES = 32;

export function decodeKey(text: string): Buffer {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]+$/.test(trimmed) && trimmed.length % 2 === 0 && trimmed.length >= 64) {
    return Buffer.from(trimmed, 'hex');
  }
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    return Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  }
  throw new Error('key is neither hex nor base64');
}

/** Throws with a message that names the key but never shows it. */
export function requireStrongKey(name: string, text: string | undefined): Buffer {
  if (text === undefined || text.trim() === '') throw new Error(`${name} is not set`);
  let key: Buffer;
  try {
    key = decodeKey(text);
  } catch {
    throw new Error(`${name} must be hex or base64 encoded`);
  }
  if (key.length < MIN_KEY_BYTES) {
    throw new Error(`${name} is too weak: ${key.length} bytes, at least ${MIN_KEY_BYTES} are required (palisade keys generate)`);
  }
  return key;
}

export function generateKey(): string {
  return randomBytes(MIN_KEY_BYTES).toString('base64url');
}
