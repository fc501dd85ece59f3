/**
 * Splits claimed rows into vendor requests: rows with the same batch key, in id order, at most
 * `maxEvents` per request and at most `maxBytes` of payload (the stored size: close enough).
 */
export interface Batchable {
  batchKey: string;
  bytes: number;
}

export function planBatches<T extends Batchable>(rows: T[], maxEvents: number, maxBytes: number): T[][] {
  const groups = new Map<string, T[][]>();
  const order: T[][] = [];
  const sizes = new Map<T[], number>();
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
