/**
 * Fans validated messages out to every destination: each destination's clean event is stored
 * (pipeline/stored-event.ts); the connector maps it to the vendor's format at delivery time.
 */
import type { Message } from '@palisade/schema';
import type { ActiveDestination } from '../destinations/active-destination.js';
import type { MaskFn } from './hmac-mask.js';
import { ContextReducer } from './clean-context.js';
import { admit, allowlistKey, allowlistName, buildCleanEvent, prepareMessage, type PreparedMessage, type PrivacyRules } from './transform.js';
import { STORED_EVENT_VERSION, type StoredEvent } from './stored-event.js';
import type { NewOutboxRow } from '../store/store.js';

/**
 * The events of one batch mostly share their visitor's ids: mask each distinct value once. The
 * memo lives only as long as this request, like the raw values it holds.
 */
function memoized(mask: MaskFn): MaskFn {
  const seen = new Map<string | number | boolean, string>();
  return (value) => {
    let masked = seen.get(value);
    if (masked === undefined) {
      masked = mask(value);
      seen.set(value, masked);
    }
    return masked;
  };
}

export interface FanOutResult {
  rows: NewOutboxRow[];
  /** `destination -> number of rows queued`, for metrics. */
  queued: Map<string, number>;
  /** `destination -> reason -> count` of dropped events, for metrics (no values). */
  dropped: Map<string, Map<string, number>>;
  /** `destination -> reason -> count` of allowed values not forwarded (too long, looks like PHI). */
  refused: Map<string, Map<string, number>>;
}

function count(counts: Map<string, Map<string, number>>, destination: string, reason: string): void {
  const byReason = counts.get(destination) ?? new Map<string, number>();
  byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
  counts.set(destination, byReason);
}

export function toOutbox(messages: Message[], destinations: ActiveDestination[], environment: string, rules: PrivacyRules, receivedAt: string): FanOutResult {
  const rows: NewOutboxRow[] = [];
  const queued = new Map<string, number>();
  const dropped = new Map<string, Map<string, number>>();
  const refused = new Map<string, Map<string, number>>();
  const drop = (destination: string, reason: string) => count(dropped, destination, reason);
  // The destination-independent reduction runs once per message, and only for messages that at
  // least one destination admits.
  const names = messages.map((m) => allowlistName(m));
  const keys = messages.map((m, i) => allowlistKey(m, names[i]!));
  const prepared: Array<PreparedMessage | undefined> = [];
  const receivedMs = Date.parse(receivedAt);
  const reducer = new ContextReducer(rules);
  for (const d of destinations) {
    const ctx = { environment, rules, mask: memoized(d.mask), eventId: d.eventId, receivedAt, ...(d.connector.identifiers ? { identifiers: d.connector.identifiers } : {}) };
    let n = 0;
    for (let i = 0; i < messages.length; i++) {
      const admission = admit(messages[i]!, keys[i]!, d.config, environment);
      if ('dropped' in admission) {
        drop(d.config.id, admission.dropped);
        continue;
      }
      let message = prepared[i];
      if (message === undefined) {
        message = prepareMessage(messages[i]!, ctx, names[i], receivedMs, reducer);
        prepared[i] = message;
      }
      const result = buildCleanEvent(message, d.config, admission.allow, ctx);
      for (const r of result.refused) count(refused, d.config.id, r.reason);
      const stored: StoredEvent = { v: STORED_EVENT_VERSION, env: environment, key: keys[i]!, masked: result.masked, screened: d.config.hipaa.enabled, event: result.event };
      rows.push({ destinationId: d.config.id, eventId: result.event.eventId, batchKey: '', payload: stored });
      n++;
    }
    if (n > 0) queued.set(d.config.id, n);
  }
  return { rows, queued, dropped, refused };
}
