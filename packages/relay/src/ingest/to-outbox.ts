/** Fans validated messages out to every destination: transform, then the connector's mapping. */
import type { Message } from '@palisade/schema';
import type { ActiveDestination } from '../destinations/active-destination.js';
import { transform } from '../pipeline/transform.js';
import type { NewOutboxRow } from '../store/store.js';

export interface FanOutResult {
  rows: NewOutboxRow[];
  /** `destination -> reason -> count` of dropped events, for metrics (no values). */
  dropped: Map<string, Map<string, number>>;
}

export function toOutbox(
  messages: Message[],
  destinations: ActiveDestination[],
  environment: string,
  keepQueryParams: ReadonlySet<string>,
  receivedAt: string,
): FanOutResult {
  const rows: NewOutboxRow[] = [];
  const dropped = new Map<string, Map<string, number>>();
  const drop = (destination: string, reason: string) => {
    const byReason = dropped.get(destination) ?? new Map<string, number>();
    byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
    dropped.set(destination, byReason);
  };
  for (const d of destinations) {
    const ctx = { environment, keepQueryParams, mask: d.mask, eventId: d.eventId, receivedAt };
    for (const message of messages) {
      const result = transform(message, d.config, ctx);
      if ('dropped' in result) {
        drop(d.config.id, result.dropped);
        continue;
      }
      const mapped = d.connector.map(result.event, d.settings);
      if ('dropped' in mapped) {
        drop(d.config.id, mapped.dropped);
        continue;
      }
      rows.push({ destinationId: d.config.id, eventId: result.event.eventId, batchKey: mapped.batchKey, payload: mapped.payload });
    }
  }
  return { rows, dropped };
}
