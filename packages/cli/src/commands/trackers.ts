/** `palisade trackers`: what the site's pages tried to load from third parties, and who they are. */
import { existsSync } from 'node:fs';
import { databasePath, PayloadCipher, SqliteStore, type TrackerRecord } from '@palisade/relay';
import { CliError } from '../cli-error.js';
import { formatTable } from '../table.js';

export async function listTrackers(dataDir: string, dataKey: Buffer): Promise<TrackerRecord[]> {
  const path = databasePath(dataDir);
  if (!existsSync(path)) throw new CliError(`no Palisade data in ${dataDir} (set --data-dir or PALISADE_DATA_DIR)`);
  const store = new SqliteStore({ path, cipher: new PayloadCipher(dataKey) });
  try {
    return await store.listTrackers();
  } finally {
    await store.close();
  }
}

export function formatTrackers(rows: TrackerRecord[]): string {
  if (rows.length === 0) return 'no third-party requests seen yet';
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
  const pages = (r: TrackerRecord) => r.pages.slice(0, 3).join(' ') + (r.pages.length > 3 ? ` +${r.pages.length - 3}` : '');
  return formatTable(
    ['vendor', 'origin', 'kind', 'count', 'pages', 'first seen (UTC)', 'last seen (UTC)'],
    rows.map((r) => [r.vendor ?? '(unknown)', r.origin, r.kind, String(r.count), pages(r), day(r.firstSeen), day(r.lastSeen)]),
  );
}
