/**
 * Connector interface v2: how the relay talks to one vendor.
 *
 * What a connector sees
 * ---------------------
 * The outbox holds each destination's clean event (`StoredEvent`): already allowlisted, screened
 * and masked for that destination (promise 4), and vendor-neutral. At delivery time the worker
 * re-checks it against today's allowlist (`recheck` in pipeline/stored-event.ts), runs the one mapping engine
 * (`mapping.ts`: the connector's `defaultMapping` under the destination's `mapping:` config),
 * and hands the `MappedEvent` to the connector. A connector never sees a raw message, and a
 * mapping can only rename or drop what the allowlist admitted (and add the constants the config
 * names). Rows queued before v2 hold vendor payloads; see `readsLegacyPayload`.
 *
 * The pure part (every connector)
 * -------------------------------
 *   settings        zod schema of the destination's `settings:`; secret fields use `secret()`,
 *                   which is how the relay knows what to resolve (nothing is guessed).
 *   defaultMapping  vendor event names for Palisade's reserved events, and whether unmapped
 *                   allowed properties travel under their own names.
 *   limits          the vendor's own per-request limits (events, bytes).
 *   format          MappedEvent -> one vendor payload and a batch key (payloads with the same key
 *                   may share a request), or `{ dropped }` with a reason.
 *
 * Two kinds of transport
 * ----------------------
 *   kind: 'http'    buildRequest(payloads, settings, { now, credentials }) -> one request;
 *                   classify(response, payloads) -> a BatchOutcome. Optional `auth.obtain`
 *                   fetches short-lived credentials (an OAuth2 access token); the worker caches
 *                   them until a minute before they expire and fetches them again once after a
 *                   401.
 *   kind: 'sink'    open(settings) -> a client (a database pool); write(client, payloads) -> a
 *                   BatchOutcome; close(client). For vendors that are not HTTP (a warehouse).
 *
 * Outcomes
 * --------
 * A BatchOutcome is one verdict for the whole batch (`ok`, `retry` with an optional
 * Retry-After, `abort` with the vendor's message), or `per-event` verdicts in payload order
 * (vendors that report which events failed, sometimes inside a 200), or `split`: the vendor
 * refused the whole batch because of some event in it (Meta), so the worker resends each half
 * until the bad event is alone and dead-letters only that one. The worker acks what succeeded,
 * reschedules what may succeed later, and dead-letters what the vendor refused, with its reason.
 *
 * Adding a vendor is one folder under destinations/ (settings, default mapping, connector, a
 * contract fixture, its README section), one line in registry.ts, and its stand-in in the vendor
 * sandbox. Every registered connector runs the contract suite (connector.contract.ts).
 */
import type { z } from 'zod';
import type { IdentifierSupport } from '../pipeline/identifiers.js';
import type { MappedEvent, Mapping } from './mapping.js';

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

export type Outcome = { kind: 'ok' } | { kind: 'retry'; reason: string; retryAfterMs?: number } | { kind: 'abort'; reason: string };

export type BatchOutcome =
  | Outcome
  /** One outcome per payload, in the order the payloads were given. */
  | { kind: 'per-event'; outcomes: Outcome[] }
  /** The vendor refused the batch for some event in it: send the halves separately. */
  | { kind: 'split'; reason: string };

/**
 * `decision`: how the event was sent in words a compliance reader follows (the consent
 * compiler's "ad_user_data=DENIED because GPC"); recorded with the delivery in the delivery log.
 */
export type FormatResult<P> = { payload: P; batchKey: string; decision?: string } | { dropped: string };

/** Short-lived credentials from `auth.obtain`. */
export interface Credentials {
  /** Sent by the connector as it sees fit (`Authorization: Bearer ...`). */
  accessToken: string;
  /** Epoch ms; the worker fetches new credentials a minute before. */
  expiresAt: number;
}

/** What an auth hook may use: the worker's HTTP send (the vendor sandbox in tests). */
export interface AuthContext {
  send: (request: OutboundRequest, timeoutMs: number) => Promise<VendorResponse>;
  now: number;
  timeoutMs: number;
}

interface ConnectorBase<Settings, Payload> {
  type: string;
  /** A human name for `config check` and the README (`Google Analytics 4`). */
  label: string;
  settings: z.ZodObject;
  defaultMapping: Mapping;
  /** The vendor's own per-request limits. */
  limits: { maxEvents: number; maxBytes: number };
  /**
   * What the vendor can take beyond masked ids: its click ids (class B) and how it normalizes
   * contact details before hashing (class C). Absent: masked ids only, whatever the config says.
   */
  identifiers?: IdentifierSupport;
  /** `now`: the delivery time in epoch ms, for vendors that refuse events older than a limit. */
  format(event: MappedEvent, settings: Settings, context: { now: number }): FormatResult<Payload>;
  /**
   * Whether a payload stored by a release before connector v2 (outbox format 0) is this vendor's
   * own request format; such rows are sent as they are. Connectors newer than v2 leave it out.
   */
  readsLegacyPayload?(payload: unknown): boolean;
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds connectors of different settings and payload types; each connector is typed in its own folder.
export interface HttpConnector<Settings = any, Payload = any> extends ConnectorBase<Settings, Payload> {
  kind: 'http';
  auth?: { obtain(settings: Settings, context: AuthContext): Promise<Credentials> };
  /** One request for payloads that share a batch key, within `limits`. */
  buildRequest(payloads: Payload[], settings: Settings, context: { now: Date; credentials?: Credentials }): OutboundRequest;
  classify(response: VendorResponse, payloads: Payload[]): BatchOutcome;
}

// biome-ignore lint/suspicious/noExplicitAny: as for HttpConnector; the client type is the sink's own.
export interface SinkConnector<Settings = any, Payload = any, Client = any> extends ConnectorBase<Settings, Payload> {
  kind: 'sink';
  open(settings: Settings): Promise<Client>;
  /** Writes one batch; a thrown error counts as a retryable failure. */
  write(client: Client, payloads: Payload[], context: { now: Date }): Promise<BatchOutcome>;
  close(client: Client): Promise<void>;
}

export type Connector = HttpConnector | SinkConnector;

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
    return retryAfterMs === undefined ? { kind: 'retry', reason: `HTTP ${status}` } : { kind: 'retry', reason: `HTTP ${status}`, retryAfterMs };
  }
  return { kind: 'abort', reason: `HTTP ${status}` };
}

/**
 * A vendor's error message as a reason safe to store, log and print: vendors quote what they
 * refused (Meta echoes a malformed access token; others a hash or a click id), so every long
 * token-like run is replaced, control characters are removed, and the text is cut short.
 */
export function vendorMessage(text: unknown, max = 150): string {
  if (typeof text !== 'string') return '';
  return text
    .slice(0, 2000)
    .replace(/[\p{Cc}\u2028\u2029]+/gu, ' ')
    .replace(/[A-Za-z0-9+/=_.~-]{20,}/g, '[redacted]')
    .replace(/\S+@\S+/g, '[redacted]')
    .trim()
    .slice(0, max);
}
