/**
 * A stored event on its way to the vendor: checked against today's policy, mapped, and formatted
 * by the connector. Pure; the delivery worker runs it on every claimed row, and the property tests
 * run it as production does.
 */
import type { ActiveDestination } from '../destinations/active-destination.js';
import { applyMapping } from '../destinations/mapping.js';
import { isStoredEvent, recheck } from '../pipeline/stored-event.js';

export type VendorPayload =
  | { payload: unknown; batchKey: string }
  /** Not sent under today's policy or mapping, or the vendor has no place for it: removed, counted. */
  | { dropped: string }
  /** The row cannot be read as a stored event: kept in dead letters. */
  | { unreadable: string };

/**
 * `legacy`: the row was written before connector v2 (format 0) and holds the vendor's payload
 * already; it is sent as it is, with its stored batch key, so an upgrade loses no queued event.
 */
export function vendorPayload(stored: unknown, destination: ActiveDestination, legacy?: { batchKey: string }): VendorPayload {
  if (legacy !== undefined) return { payload: stored, batchKey: legacy.batchKey };
  if (!isStoredEvent(stored)) return { unreadable: 'unreadable: not a stored event of a known version' };
  const checked = recheck(stored, destination.config, destination.mask);
  if ('dropped' in checked) return checked;
  const mapped = applyMapping(checked.event, destination.mapping);
  if ('dropped' in mapped) return mapped;
  return destination.connector.format(mapped, destination.settings);
}
