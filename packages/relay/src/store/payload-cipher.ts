/**
 * AES-256-GCM for outbox payloads. Layout: version (1 byte) | IV (12) | tag (16) | ciphertext.
 * The row's destination and event id are bound in as associated data, so a ciphertext moved to
 * another row does not decrypt.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** IVs are drawn from the CSPRNG in bulk: one randomBytes call per 1024 payloads. */
const IV_POOL_SIZE = IV_BYTES * 1024;

export class PayloadCipher {
  readonly #key: Buffer;
  #ivPool = Buffer.alloc(0);
  #ivOffset = 0;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error(`the data key must be 32 bytes (got ${key.length})`);
    this.#key = key;
  }

  #nextIv(): Buffer {
    if (this.#ivOffset + IV_BYTES > this.#ivPool.length) {
      this.#ivPool = randomBytes(IV_POOL_SIZE);
      this.#ivOffset = 0;
    }
    const iv = this.#ivPool.subarray(this.#ivOffset, this.#ivOffset + IV_BYTES);
    this.#ivOffset += IV_BYTES;
    return iv;
  }

  encrypt(plaintext: string, associated: string): Buffer {
    const iv = this.#nextIv();
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(associated));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  decrypt(sealed: Buffer, associated: string): string {
    if (sealed[0] !== VERSION) throw new Error('unknown payload format');
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.#key, iv);
    decipher.setAAD(Buffer.from(associated));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }
}

export function associatedData(destinationId: string, eventId: string): string {
  return `${destinationId}\u0000${eventId}`;
}
