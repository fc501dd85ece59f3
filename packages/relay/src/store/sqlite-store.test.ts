import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { PayloadCipher } from './payload-cipher.js';
import { SqliteStore } from './sqlite-store.js';
import { fileHarness, storeContract } from './store.contract.js';

const cipher = new PayloadCipher(Buffer.alloc(32, 3));

storeContract('SQLite', () => fileHarness(async (path) => new SqliteStore({ path, cipher })));

function tempPath(): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-store-'));
  return { dir, path: join(dir, 'data', 'p.db') };
}

/** A test body given a fresh store in a temporary directory, closed and removed afterwards. */
const withStore = (fn: (store: SqliteStore, path: string, dir: string) => Promise<void>) => async () => {
  const { dir, path } = tempPath();
  const store = new SqliteStore({ path, cipher });
  try {
    await fn(store, path, dir);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
};

const rows = (n: number, destinationId = 'd') => Array.from({ length: n }, (_, i) => ({ destinationId, eventId: `e${i}`, batchKey: '', payload: { i } }));

describe('SqliteStore', () => {
  it('keeps every committed row when the process is killed with SIGKILL mid-write', async () => {
    const { dir, path } = tempPath();
    // A child process on the built store commits rows in a loop and prints each one's number once
    // `enqueue` resolved (after the fsync), until it is killed mid-write.
    const built = new URL('../../dist/store/', import.meta.url).href;
    const script = `
      const { SqliteStore } = await import('${built}sqlite-store.js');
      const { PayloadCipher } = await import('${built}payload-cipher.js');
      const store = new SqliteStore({ path: process.argv[1], cipher: new PayloadCipher(Buffer.alloc(32, 3)) });
      for (let i = 0; ; i++) {
        await store.enqueue([{ destinationId: 'd', eventId: 'e' + i, batchKey: '', payload: { i } }]);
        process.stdout.write(i + '\\n');
      }`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d.toString()));
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (out.split('\n').length > 200) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const acknowledged = out
      .split('\n')
      .filter((l) => l !== '')
      .map(Number);
    const store = new SqliteStore({ path, cipher });
    const claimed = await store.claim('d', 1_000_000, Date.now(), 1000);
    const stored = new Set(claimed.map((r) => (r.payload as { i: number }).i));
    expect(acknowledged.filter((i) => !stored.has(i))).toEqual([]);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'makes its directory 0700 and its files 0600',
    withStore(async (store, path, dir) => {
      await store.enqueue(rows(1));
      expect(statSync(join(dir, 'data')).mode & 0o777).toBe(0o700);
      for (const f of [path, `${path}-wal`, `${path}-shm`]) expect(statSync(f).mode & 0o777, f).toBe(0o600);
    }),
  );

  it(
    'sends a row it cannot decrypt to dead letters and delivers the rest of the claim',
    withStore(async (store, path) => {
      await store.enqueue(rows(5));
      const raw = new Database(path);
      raw.prepare("UPDATE outbox SET payload = x'01deadbeef' WHERE event_id = 'e2'").run();
      raw.close();
      const claimed = await store.claim('d', 10, Date.now(), 1000);
      expect(claimed.map((r) => r.eventId)).toEqual(['e0', 'e1', 'e3', 'e4']);
      expect(await store.listDeadLetters()).toEqual([expect.objectContaining({ eventId: 'e2', reason: 'payload cannot be read (wrong data key or damaged row)' })]);
    }),
  );

  it(
    'keeps queue counts without scanning, and recounts after another connection changed the file',
    withStore(async (store, path) => {
      await store.enqueue([...rows(3, 'a'), ...rows(2, 'b')]);
      const claimed = await store.claim('a', 10, Date.now(), 1000);
      await store.ack([claimed[0]!.id]);
      await store.deadLetter([claimed[1]!.id], 'HTTP 400', Date.now());
      expect(await store.stats()).toEqual({ outbox: { a: 1, b: 2 }, deadLetters: { a: 1 } });
      // `palisade dlq replay` runs in another process, on its own connection.
      const cli = new SqliteStore({ path, cipher });
      expect(await cli.replayDeadLetters({}, Date.now())).toBe(1);
      await cli.close();
      expect(await store.stats()).toEqual({ outbox: { a: 2, b: 2 }, deadLetters: {} });
    }),
  );

  it(
    'keeps room in a full tracker inventory: new rows displace the least seen unknown ones',
    withStore(async (store) => {
      const now = Date.now();
      await store.recordTrackers(
        Array.from({ length: 10_000 }, (_, i) => ({ origin: `https://junk-${i}.example`, kind: 'image', page: '/' })),
        now,
      );
      await store.recordTrackers([{ origin: 'https://junk-1.example', kind: 'image', page: '/' }], now + 1);
      await store.recordTrackers([{ origin: 'https://connect.facebook.net', kind: 'script', page: '/', vendor: 'Meta (Facebook)' }], now + 2);
      const list = await store.listTrackers();
      expect(list).toHaveLength(10_000);
      expect(list.find((t) => t.origin === 'https://connect.facebook.net')).toMatchObject({ vendor: 'Meta (Facebook)' });
      expect(list.find((t) => t.origin === 'https://junk-1.example')).toMatchObject({ count: 2 });
      expect(list.find((t) => t.origin === 'https://junk-0.example')).toBeUndefined();
    }),
  );

  it(
    'makes rescheduled rows due again on request (a probe, then the backlog)',
    withStore(async (store) => {
      await store.enqueue(rows(4));
      const now = Date.now();
      const claimed = await store.claim('d', 10, now, 1000);
      await store.reschedule(
        claimed.map((r) => r.id),
        now + 600_000,
        'HTTP 503',
        now,
      );
      expect(await store.claim('d', 10, now, 1000)).toEqual([]);
      expect(await store.reviveRetries('d', now, 1)).toBe(1);
      expect(await store.claim('d', 10, now, 1000)).toHaveLength(1);
      expect(await store.reviveRetries('d', now)).toBe(3);
      expect(await store.claim('d', 10, now, 1000)).toHaveLength(3);
    }),
  );
});
