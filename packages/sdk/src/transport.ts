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
export interface SendOptions {
  keepalive?: boolean;
  /** Logs the relay's answer (`data-debug`). */
  debug?: boolean;
  /** Told about each send that failed, with its HTTP status (0: no answer). */
  failed?: (status: number) => void;
}

export async function send(url: string, writeKey: string, batch: WireMessage[], { keepalive = false, debug = false, failed }: SendOptions = {}): Promise<SendResult> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      // A string body goes as text/plain;charset=UTF-8 by default: a simple request, no preflight.
      body: JSON.stringify({ batch, sentAt: new Date().toISOString(), writeKey }),
      keepalive,
      credentials: 'omit',
    });
    const s = response.status;
    const answer = s === 400 || debug ? await response.json().catch(() => ({})) : {};
    if (debug) console.debug('[palisade] relay answered', s, answer);
    if (s >= 300 && s !== 400) failed?.(s);
    if (s === 408 || s === 429 || s >= 500) return RETRY;
    if (s === 400 && batch.length > 1 && 'error' in answer) return REFUSED;
    return DONE;
  } catch {
    failed?.(0);
    return RETRY;
  }
}

/**
 * Warns once, on the first failed send, with the likely cause, where the site's developers look:
 * a wrong write key or origin, or a relay that is not where the tag points, loses every event
 * silently otherwise. Status 0: no answer at all (unreachable, or a relay on another origin that
 * does not allow this one, which the browser reports the same way).
 */
export const misconfiguration = (url: string) => {
  let warned = false;
  return (status: number): void => {
    if (warned) return;
    warned = true;
    const other = new URL(url, location.href).origin !== location.origin;
    const cause =
      status === 401
        ? 'the relay does not know this data-write-key'
        : status === 403
          ? `the relay does not allow this origin (${location.origin}): add it to allowedOrigins`
          : status === 404
            ? 'no relay answers there: check the script src or data-api'
            : status === 0
              ? `the relay cannot be reached${other ? `, or does not allow this origin (${location.origin}) in allowedOrigins` : ''}`
              : `the relay answered HTTP ${status}`;
    console.warn(`[palisade] events are not getting through to ${url}: ${cause}`);
  };
};
