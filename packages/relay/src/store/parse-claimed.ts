/** Turning claimed rows back into payloads, shared by the store implementations. */
import type { ClaimedJsonRow } from './sqlite-store.js';
import type { OutboxRow, Store } from './store.js';

export const UNREADABLE = 'payload cannot be read (wrong data key or damaged row)';

/**
 * Claimed rows with their payloads parsed. A payload that is not JSON (it never should be) goes
 * to dead letters like an unreadable one, and the rest are delivered.
 */
export async function parseClaimed(store: Pick<Store, 'deadLetter'>, rows: ClaimedJsonRow[], now: number): Promise<OutboxRow[]> {
  const out: OutboxRow[] = [];
  const broken: number[] = [];
  for (const { json, ...row } of rows) {
    try {
      out.push({ ...row, payload: JSON.parse(json) as unknown });
    } catch {
      broken.push(row.id);
    }
  }
  if (broken.length > 0) await store.deadLetter(broken, UNREADABLE, now);
  return out;
}
