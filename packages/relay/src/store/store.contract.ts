/**
 * The contract every Store implementation passes, unchanged. Call it from the implementation's
 * test file with a factory that opens a fresh, empty store.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NewOutboxRow, Store } from './store.js';

export interface StoreHarness {
  store: Store;
  /** Everything the store holds at rest, as bytes, to prove payloads are encrypted. */
  rawContents(): Promise<Buffer>;
  /** Closes and opens the same store again (durability). */
  reopen(): Promise<Store>;
  cleanup(): Promise<void>;
}

const CANARY = 'jane.canary@example.com';

/** A harness for a store kept in files of a fresh temporary directory, opened by `open(path)`. */
export async function fileHarness(open: (path: string) => Promise<Store>): Promise<StoreHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-store-'));
  const path = join(dir, 'palisade.db');
  let store = await open(path);
  return {
    get store() {
      return store;
    },
    async rawContents() {
      // The WAL holds fresh commits before a checkpoint: read every file of the database.
      return Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))));
    },
    async reopen() {
      await store.close();
      store = await open(path);
      return store;
    },
    async cleanup() {
      await store.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function row(i: number, destinationId = 'ga4', batchKey = 'k'): NewOutboxRow {
  return { destinationId, eventId: `e${i}`, batchKey, payload: { n: i, note: CANARY } };
}

export function storeContract(name: string, open: () => Promise<StoreHarness>): void {
  describe(`Store contract: ${name}`, () => {
    const withStore = (fn: (h: StoreHarness) => Promise<void>) => async () => {
      const h = await open();
      try {
        await fn(h);
      } finally {
        await h.cleanup();
      }
    };

    it(
      'enqueues and claims rows oldest first, payloads intact',
      withStore(async ({ store }) => {
        await store.enqueue([row(1), row(2), row(3, 'hook')]);
        const rows = await store.claim('ga4', 10, Date.now(), 30_000);
        expect(rows.map((r) => r.eventId)).toEqual(['e1', 'e2']);
        expect(rows[0]).toMatchObject({ destinationId: 'ga4', batchKey: 'k', payload: { n: 1, note: CANARY }, attempts: 0, firstAttemptAt: null, lastError: null });
      }),
    );

    it(
      'does not hand a leased row out twice until its lease expires',
      withStore(async ({ store }) => {
        await store.enqueue([row(1), row(2), row(3)]);
        const now = Date.now();
        expect((await store.claim('ga4', 2, now, 1000)).map((r) => r.eventId)).toEqual(['e1', 'e2']);
        expect((await store.claim('ga4', 10, now, 1000)).map((r) => r.eventId)).toEqual(['e3']);
        expect(await store.claim('ga4', 10, now + 500, 1000)).toEqual([]);
        expect((await store.claim('ga4', 10, now + 1001, 1000)).map((r) => r.eventId)).toEqual(['e1', 'e2', 'e3']);
      }),
    );

    it(
      'acknowledged rows are gone',
      withStore(async ({ store }) => {
        await store.enqueue([row(1), row(2)]);
        const rows = await store.claim('ga4', 10, Date.now(), 1000);
        await store.ack([rows[0]!.id]);
        expect((await store.stats()).outbox).toEqual({ ga4: 1 });
      }),
    );

    it(
      'reschedules with attempts, first attempt time and last error',
      withStore(async ({ store }) => {
        await store.enqueue([row(1)]);
        const now = Date.now();
        const [r] = await store.claim('ga4', 10, now, 1000);
        await store.reschedule([r!.id], now + 5000, 'HTTP 503', now);
        expect(await store.claim('ga4', 10, now + 10, 1000)).toEqual([]);
        expect(await store.nextDueAt('ga4')).toBe(now + 5000);
        const [again] = await store.claim('ga4', 10, now + 5000, 1000);
        expect(again).toMatchObject({ attempts: 1, firstAttemptAt: now, lastError: 'HTTP 503' });
        await store.reschedule([again!.id], now + 9000, 'HTTP 502', now + 5000);
        const [third] = await store.claim('ga4', 10, now + 9000, 1000);
        expect(third).toMatchObject({ attempts: 2, firstAttemptAt: now, lastError: 'HTTP 502' });
      }),
    );

    it(
      'releases rows without counting an attempt',
      withStore(async ({ store }) => {
        await store.enqueue([row(1)]);
        const now = Date.now();
        const [r] = await store.claim('ga4', 10, now, 60_000);
        await store.release([r!.id]);
        const [again] = await store.claim('ga4', 10, now, 60_000);
        expect(again).toMatchObject({ eventId: 'e1', attempts: 0 });
      }),
    );

    it(
      'moves rows to dead letters with the reason, and replays them',
      withStore(async ({ store }) => {
        await store.enqueue([row(1), row(2), row(3, 'hook')]);
        const now = Date.now();
        const ga4 = await store.claim('ga4', 10, now, 1000);
        const hook = await store.claim('hook', 10, now, 1000);
        await store.deadLetter(
          ga4.map((r) => r.id),
          'HTTP 400',
          now,
        );
        await store.deadLetter(
          hook.map((r) => r.id),
          'HTTP 401',
          now,
        );
        const letters = await store.listDeadLetters();
        expect(letters.map((l) => [l.destinationId, l.eventId, l.reason, l.attempts])).toEqual([
          ['ga4', 'e1', 'HTTP 400', 1],
          ['ga4', 'e2', 'HTTP 400', 1],
          ['hook', 'e3', 'HTTP 401', 1],
        ]);
        expect(await store.listDeadLetters({ destinationId: 'hook' })).toHaveLength(1);
        expect(await store.stats()).toEqual({ outbox: {}, deadLetters: { ga4: 2, hook: 1 } });

        expect(await store.replayDeadLetters({ ids: [letters[0]!.id] }, now)).toBe(1);
        expect(await store.replayDeadLetters({ destinationId: 'hook' }, now)).toBe(1);
        const replayed = await store.claim('ga4', 10, now, 1000);
        expect(replayed.map((r) => [r.eventId, r.attempts, r.payload])).toEqual([['e1', 0, { n: 1, note: CANARY }]]);
        expect((await store.listDeadLetters()).map((l) => l.eventId)).toEqual(['e2']);
        expect(await store.replayDeadLetters({}, now)).toBe(1);
        expect(await store.listDeadLetters()).toEqual([]);
      }),
    );

    it(
      'commits every concurrent enqueue',
      withStore(async ({ store }) => {
        await Promise.all(Array.from({ length: 200 }, (_, i) => store.enqueue([row(i)])));
        expect((await store.stats()).outbox).toEqual({ ga4: 200 });
      }),
    );

    it(
      'keeps payloads encrypted at rest',
      withStore(async (h) => {
        await h.store.enqueue([row(1)]);
        const raw = await h.rawContents();
        expect(raw.includes(Buffer.from(CANARY))).toBe(false);
        expect(raw.includes(Buffer.from('"note"'))).toBe(false);
      }),
    );

    it(
      'keeps committed rows across a reopen',
      withStore(async (h) => {
        await h.store.enqueue([row(1), row(2)]);
        const reopened = await h.reopen();
        expect((await reopened.claim('ga4', 10, Date.now(), 1000)).map((r) => r.eventId)).toEqual(['e1', 'e2']);
      }),
    );

    it(
      'keeps a tracker inventory by origin and kind, with the pages',
      withStore(async ({ store }) => {
        const now = Date.now();
        await store.recordTrackers(
          [
            { origin: 'https://www.facebook.com', kind: 'image', page: '/' },
            { origin: 'https://www.facebook.com', kind: 'image', page: '/book' },
            { origin: 'https://www.facebook.com', kind: 'image', page: '/' },
            { origin: 'https://www.googletagmanager.com', kind: 'script', page: '/', vendor: 'Google Tag Manager' },
          ],
          now,
        );
        await store.recordTrackers([{ origin: 'https://www.googletagmanager.com', kind: 'script', page: '/' }], now + 5);
        expect(await store.listTrackers()).toEqual([
          { origin: 'https://www.facebook.com', kind: 'image', pages: ['/', '/book'], count: 3, firstSeen: now, lastSeen: now },
          { origin: 'https://www.googletagmanager.com', kind: 'script', vendor: 'Google Tag Manager', pages: ['/'], count: 2, firstSeen: now, lastSeen: now + 5 },
        ]);
      }),
    );

    it(
      'answers readiness',
      withStore(async ({ store }) => {
        await expect(store.ping()).resolves.toBeUndefined();
      }),
    );

    it(
      'keeps a delivery log, newest first, filtered by destination or event',
      withStore(async (h) => {
        await h.store.recordDeliveries([
          { destinationId: 'meta', eventId: 'e1', at: 1000, outcome: 'delivered', detail: 'LDU (geolocated by Meta), opt_out=false because no patient authorization' },
          { destinationId: 'ads', eventId: 'e1', at: 1001, outcome: 'dropped', detail: 'no click id or authorized user identifiers' },
          { destinationId: 'meta', eventId: 'e2', at: 1002, outcome: 'dead_lettered', detail: 'Meta error 100' },
        ]);
        const store = await h.reopen();
        expect((await store.listDeliveries()).map((r) => [r.destinationId, r.eventId, r.outcome])).toEqual([
          ['meta', 'e2', 'dead_lettered'],
          ['ads', 'e1', 'dropped'],
          ['meta', 'e1', 'delivered'],
        ]);
        expect((await store.listDeliveries({ destinationId: 'meta', limit: 1 })).map((r) => r.eventId)).toEqual(['e2']);
        expect(await store.listDeliveries({ eventId: 'e1', destinationId: 'meta' })).toMatchObject([
          { at: 1000, detail: 'LDU (geolocated by Meta), opt_out=false because no patient authorization' },
        ]);
      }),
    );

    it(
      'keeps config versions, newest first, across a reopen',
      withStore(async (h) => {
        const first = await h.store.recordConfigVersion({ loadedAt: 1000, source: 'start', sha256: 'a'.repeat(64), destinations: ['ga4-main', 'hook'] });
        const second = await h.store.recordConfigVersion({ loadedAt: 2000, source: 'SIGHUP', sha256: 'b'.repeat(64), destinations: ['hook'] });
        expect(second.id).toBeGreaterThan(first.id);
        const store = await h.reopen();
        expect(await store.listConfigVersions()).toEqual([second, first]);
        expect(await store.listConfigVersions(1)).toEqual([second]);
      }),
    );
  });
}
