/**
 * A stored event on its way to the vendor: checked against today's policy, mapped, and formatted
 * by the connector. Pure; the delivery worker runs it on every claimed row, and the property tests
 * run it as production does.
 */
import type { ActiveDestination } from '../destinations/active-destination.js';
import { applyMapping } from '../destinations/mapping.js';
import { isStoredEvent, recheck } from '../pipeline/stored-event.js';

export type VendorPayload =
  | { payload: unknown; batchKey: string; decision?: string }
  /** Not sent under today's policy or mapping, or the vendor has no place for it: removed, counted. */
  | { dropped: string }
  /** The row cannot be read as a stored event: kept in dead letters. */
  | { unreadable: string };

/**
 * `legacy`: the row is of format 0. A stored event there (written between connector v2 and the
 * format column) takes the normal path. Otherwise it holds a vendor payload written before
 * connector v2, already allowlisted and masked under the policy of its day; it cannot be checked
 * against today's, so it is sent as it is only when the destination's connector recognises the
 * payload as its own (a destination id now used by another vendor drops it), with its stored
 * batch key. An upgrade loses no queued event, and sends nothing a
 * connector cannot read.
 */
export function vendorPayload(stored: unknown, destination: ActiveDestination, legacy?: { batchKey: string }, now = Date.now()): VendorPayload {
  if (legacy !== undefined && !isStoredEvent(stored)) {
    const own = destination.connector.readsLegacyPayload?.(stored) === true;
    return own ? { payload: stored, batchKey: legacy.batchKey } : { dropped: 'stored by an earlier release in a format this destination does not take' };
  }
  if (!isStoredEvent(stored)) return { unreadable: 'unreadable: not a stored event of a known version' };
  const checked = recheck(stored, destination.config, destination.mask);
  if ('dropped' in checked) return checked;
  const mapped = applyMapping(checked.event, destination.mapping);
  if ('dropped' in mapped) return mapped;
  return destination.connector.format(mapped, destination.settings, { now });
}
