/**
 * What the relay sent to each destination lately, in memory only, for `palisade scan
 * --relay-admin`: the scanner searches it for the canaries it typed, proving that nothing a
 * visitor typed left server-side either. Kept only when an admin token is configured.
 *
 * Bounded (the newest 2,000 bodies, each cut at 64 KB) and never written anywhere. Bodies hold
 * what vendors receive, which the pipeline already cleaned, but also the credentials some
 * vendors take in the body (Meta's access_token): those are replaced before anything is kept,
 * and URLs and headers (GA4's api_secret, bearer tokens) are never kept at all.
 */
import type { Send } from './http-send.js';

const MAX_ENTRIES = 2000;
const MAX_BODY = 64 * 1024;
const SECRET_KEY = /token|secret|password|passwd|api_?key|authorization|credential|signature/i;

export interface ForwardedMessage {
  at: string;
  body: string;
}

function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redactValue(v)]));
  }
  return value;
}

/** The body with credential-named fields replaced (JSON or form-encoded); other text is kept as is. */
export function redactBody(body: string): string {
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.stringify(redactValue(JSON.parse(body)));
    } catch {
      // Not JSON after all: treated as text below.
    }
  }
  if (/^[^\s=&]+=[^\s]*$/.test(body)) {
    const params = new URLSearchParams(body);
    for (const key of [...params.keys()]) if (SECRET_KEY.test(key)) params.set(key, '[redacted]');
    return params.toString();
  }
  return body;
}

export class ForwardedLog {
  #entries: { destination: string; at: number; body: string }[] = [];

  /** A `send` for one destination that keeps each body it sends. */
  wrap(destination: string, send: Send): Send {
    return (request, timeoutMs) => {
      this.#entries.push({ destination, at: Date.now(), body: redactBody(request.body).slice(0, MAX_BODY) });
      if (this.#entries.length > MAX_ENTRIES) this.#entries.splice(0, this.#entries.length - MAX_ENTRIES);
      return send(request, timeoutMs);
    };
  }

  /** Bodies sent at or after `sinceMs`, per destination. */
  since(sinceMs: number): { destination: string; messages: ForwardedMessage[] }[] {
    const by = new Map<string, ForwardedMessage[]>();
    for (const e of this.#entries) {
      if (e.at < sinceMs) continue;
      const list = by.get(e.destination) ?? [];
      list.push({ at: new Date(e.at).toISOString(), body: e.body });
      by.set(e.destination, list);
    }
    return [...by].map(([destination, messages]) => ({ destination, messages }));
  }
}
