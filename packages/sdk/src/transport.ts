/**
 * The only network code of the SDK: POST to the relay's /v1/batch as text/plain (no CORS
 * preflight), write key in the body. Chunks stay under 64 KB, the keepalive limit browsers enforce.
 */
import type { WireMessage } from './types.js';

export const KEEPALIVE_LIMIT = 60 * 1024;

export type SendResult = 'done' | 'retry';

export function body(writeKey: string, batch: WireMessage[]): string {
  return JSON.stringify({ batch, sentAt: new Date().toISOString(), writeKey });
}

/** Splits messages into request bodies of at most `maxBytes`. */
export function chunk(writeKey: string, messages: WireMessage[], maxBytes = KEEPALIVE_LIMIT): WireMessage[][] {
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
 * 2xx and 400 (per-message rejections) are final: those messages are done. 408, 429, 5xx and
 * network errors are worth another try; any other 4xx (bad write key, too large) never succeeds.
 */
export async function send(url: string, writeKey: string, batch: WireMessage[], keepalive = false): Promise<SendResult> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: body(writeKey, batch),
      keepalive,
      credentials: 'omit',
    });
    const s = response.status;
    if (s === 408 || s === 429 || s >= 500) return 'retry';
    // A wrong write key or origin loses every event: say so where the site's developers look.
    if (s === 401 || s === 403) console.warn(`[palisade] the relay refused events (HTTP ${s}): check data-write-key and allowedOrigins`);
    return 'done';
  } catch {
    return 'retry';
  }
}
