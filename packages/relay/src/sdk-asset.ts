/**
 * The browser SDK as the relay serves it: `GET /palisade.js` (short cache, revalidated by ETag)
 * and `GET /palisade.<hash>.js` (the same bytes under a content-addressed URL, cached for a year).
 * The relay writes the config's browser allowlist into the file, so the SDK's pixel guard allows
 * exactly what the CSP allows (csp/browser-policy.ts is the one source for both).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { BrowserConfig } from '@palisade/schema';
import { guardPolicy } from './csp/browser-policy.js';

export interface SdkAsset {
  body: Buffer;
  /** First 12 hex characters of the SHA-256 of the served bytes. */
  hash: string;
  etag: string;
}

/** The string the SDK build leaves for the relay to replace (see the SDK's script-tag.ts). */
export const CONFIG_PLACEHOLDER = '__PALISADE_BROWSER_CONFIG__';

export function loadSdkAsset(path: string, browser?: BrowserConfig): SdkAsset {
  let text = readFileSync(path, 'utf8');
  if (browser) {
    const served = guardPolicy(browser);
    // Inside a JS string literal: JSON's escaping is valid there, and origins hold no quotes.
    text = text.replace(CONFIG_PLACEHOLDER, JSON.stringify(JSON.stringify(served)).slice(1, -1));
  }
  const body = Buffer.from(text);
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { body, hash, etag: `"${hash}"` };
}
