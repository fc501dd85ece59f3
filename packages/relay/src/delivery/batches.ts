/**
 * Splits claimed rows into vendor requests: rows with the same batch key, in id order, at most
 * `maxEvents` per request and at most `maxBytes` of payload JSON.
 */
import type { OutboxRow } from '../store/store.js';

export function planBatches(rows: OutboxRow[], maxEvents: number, maxBytes: number): OutboxRow[][] {
  const groups = new Map<string, OutboxRow[][]>();
  const order: OutboxRow[][] = [];
  const sizes = new Map<OutboxRow[], number>();
  for (const row of rows) {
    const bytes = row.bytes;
    const open = groups.get(row.batchKey)?.at(-1);
    if (open && open.length < maxEvents && sizes.get(open)! + bytes <= maxBytes) {
      open.push(row);
      sizes.set(open, sizes.get(open)! + bytes);
      continue;
    }
    const batch = [row];
    sizes.set(batch, bytes);
    order.push(batch);
    const list = groups.get(row.batchKey);
    if (list) list.push(batch);
    else groups.set(row.batchKey, [batch]);
  }
  return order;
}
