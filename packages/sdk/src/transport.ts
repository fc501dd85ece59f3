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

/** What became of a batch: delivered or final, worth another try later, or refused as a whole. */
export const DONE = 1;
export const RETRY = 0;
export const REFUSED = 2;
export type SendResult = typeof DONE | typeof RETRY | typeof REFUSED;

/**
 * DONE when the batch is done with: 2xx and a 400 listing per-message rejections are final, and
 * so is any other 4xx (bad write key, too large), which never succeeds. RETRY when 408, 429, 5xx
 * and network errors make it worth another try. REFUSED when a 400 refused the body as a whole
 * (`{error}`): the caller splits the batch so that one bad event does not take the rest with it.
 */
export async function send(url: string, writeKey: string, batch: WireMessage[], keepalive = false): Promise<SendResult> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      // A string body goes as text/plain;charset=UTF-8 by default: a simple request, no preflight.
      body: JSON.stringify({ batch, sentAt: new Date().toISOString(), writeKey }),
      keepalive,
      credentials: 'omit',
    });
    const s = response.status;
    if (s === 408 || s === 429 || s >= 500) return RETRY;
    // A wrong write key or origin loses every event: say so where the site's developers look.
    if (s === 401 || s === 403) console.warn(`[palisade] relay refused events (HTTP ${s}): check data-write-key and allowedOrigins`);
    if (s === 400 && batch.length > 1 && 'error' in (await response.json().catch(() => ({})))) return REFUSED;
    return DONE;
  } catch {
    return RETRY;
  }
}
