/**
 * The browser SDK as the relay serves it: `GET /palisade.js` (short cache, revalidated by ETag)
 * and `GET /palisade.<hash>.js` (the same bytes under a content-addressed URL, cached for a year).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface SdkAsset {
  body: Buffer;
  /** First 12 hex characters of the SHA-256 of the file. */
  hash: string;
  etag: string;
}

export function loadSdkAsset(path: string): SdkAsset {
  const body = readFileSync(path);
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { body, hash, etag: `"${hash}"` };
}
