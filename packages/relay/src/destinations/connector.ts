/**
 * A connector maps a clean event to one vendor's format and reads that vendor's answers.
 * Everything in it is pure: the delivery layer does the I/O. Adding a vendor means one folder
 * with a settings schema (in @palisade/schema), `map`, `buildRequest` and `classify`.
 */
import type { CleanEvent } from '../pipeline/clean-event.js';

export interface OutboundRequest {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}

export interface VendorResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

export type Outcome =
  | { kind: 'ok' }
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  | { kind: 'abort'; reason: string };

export type MapResult<P> = { payload: P; batchKey: string } | { dropped: string };

export interface Connector<Settings = unknown, Payload = unknown> {
  type: string;
  /** The vendor's own per-request limits. */
  limits: { maxEvents: number; maxBytes: number };
  map(event: CleanEvent, settings: Settings): MapResult<Payload>;
  /** One request for payloads that share a batch key, within `limits`. */
  buildRequest(payloads: Payload[], settings: Settings, now: Date): OutboundRequest;
  classify(response: VendorResponse): Outcome;
}

/**
 * Seconds or an HTTP date, as RFC 9110 allows; capped at one hour here, and by the destination's
 * `delivery.maxRetryAfterMs` (5 minutes by default) where the worker applies it.
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  return Math.min(ms, 3_600_000);
}

/** The common HTTP rule: 2xx ok; 408, 429 and 5xx retry (honouring Retry-After); other 4xx abort. */
export function classifyHttp(response: VendorResponse): Outcome {
  const { status } = response;
  if (status >= 200 && status < 300) return { kind: 'ok' };
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    return retryAfterMs === undefined
      ? { kind: 'retry', reason: `HTTP ${status}` }
      : { kind: 'retry', reason: `HTTP ${status}`, retryAfterMs };
  }
  return { kind: 'abort', reason: `HTTP ${status}` };
}
