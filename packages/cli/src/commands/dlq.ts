/** `palisade dlq list|replay|log`: dead letters and the delivery log of the embedded store, read while the relay runs. */
import { existsSync } from 'node:fs';
import { databasePath, PayloadCipher, SqliteStore, type DeadLetter, type DeliveryRecord } from '@palisade/relay';
import { CliError } from '../cli-error.js';
import { formatTable } from '../table.js';

function openStore(dataDir: string, dataKey: Buffer): SqliteStore {
  const path = databasePath(dataDir);
  if (!existsSync(path)) throw new CliError(`no Palisade data in ${dataDir} (set --data-dir or PALISADE_DATA_DIR)`);
  return new SqliteStore({ path, cipher: new PayloadCipher(dataKey) });
}

export async function listDeadLetters(dataDir: string, dataKey: Buffer, destinationId?: string): Promise<DeadLetter[]> {
  const store = openStore(dataDir, dataKey);
  try {
    return await store.listDeadLetters(destinationId === undefined ? {} : { destinationId });
  } finally {
    await store.close();
  }
}

export async function replayDeadLetters(dataDir: string, dataKey: Buffer, filter: { destinationId?: string; ids?: number[] }): Promise<number> {
  const store = openStore(dataDir, dataKey);
  try {
    return await store.replayDeadLetters(filter, Date.now());
  } finally {
    await store.close();
  }
}

export function formatDeadLetters(rows: DeadLetter[]): string {
  if (rows.length === 0) return 'no dead letters';
  return formatTable(
    ['id', 'destination', 'attempts', 'failed at', 'reason'],
    rows.map((r) => [String(r.id), r.destinationId, String(r.attempts), new Date(r.failedAt).toISOString(), r.reason]),
  );
}

export async function listDeliveries(
  dataDir: string,
  dataKey: Buffer,
  filter: { destinationId?: string; eventId?: string; limit?: number },
): Promise<Array<DeliveryRecord & { id: number }>> {
  const store = openStore(dataDir, dataKey);
  try {
    return await store.listDeliveries(filter);
  } finally {
    await store.close();
  }
}

export function formatDeliveries(rows: Array<DeliveryRecord & { id: number }>): string {
  if (rows.length === 0) return 'no deliveries logged';
  return formatTable(
    ['at', 'destination', 'event', 'outcome', 'detail'],
    rows.map((r) => [new Date(r.at).toISOString(), r.destinationId, r.eventId, r.outcome, r.detail]),
  );
}
