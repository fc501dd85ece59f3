/**
 * The only network code of the SDK: POST to the relay's /v1/batch as text/plain (no CORS
 * preflight), write key in the body. Chunks stay under 64 KB, the keepalive limit browsers enforce.
 */
import type { WireMessage } from './types.js';

export const KEEPALIVE_LIMIT = 60 * 1024;

/** Splits messages into request bodies of at most `maxBytes`. */
export function chunk(messages: WireMessage[], maxBytes = KEEPALIVE_LIMIT): WireMessage[][] {
  const out: WireMessage[][] = [];
  let current: WireMessage[] = [];
  let size = 0;
  for (const m of messages) {
    const bytes = JSON.stringify(m).length + 1;
    if (current.length > 0 && size + bytes > maxBytes) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(m);
    size += bytes;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * True when the batch is done with: 2xx and 400 (per-message rejections) are final, and so is any
 * other 4xx (bad write key, too large), which never succeeds. False when 408, 429, 5xx and network
 * errors make it worth another try.
 */
export async function send(url: string, writeKey: string, batch: WireMessage[], keepalive = false): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      // A string body goes as text/plain;charset=UTF-8 by default: a simple request, no preflight.
      body: JSON.stringify({ batch, sentAt: new Date().toISOString(), writeKey }),
      keepalive,
      credentials: 'omit',
    });
    const s = response.status;
    if (s === 408 || s === 429 || s >= 500) return false;
    // A wrong write key or origin loses every event: say so where the site's developers look.
    if (s === 401 || s === 403) console.warn(`[palisade] relay refused events (HTTP ${s}): check data-write-key and allowedOrigins`);
    return true;
  } catch {
    return false;
  }
}
