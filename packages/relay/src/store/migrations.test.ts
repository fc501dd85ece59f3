/**
 * Upgrading a database written by the release before migrations (its schema is committed in
 * fixtures/) loses no queued row: rows of the old payload format are delivered as they were
 * stored, dead letters stay, and the migrations are recorded once.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutboundRequest } from '../destinations/connector.js';
import { activeDestination, deliverUntil } from '../delivery/delivery.fixture.js';
import { migrate, SQLITE_MIGRATIONS } from './migrations.js';
import { associatedData, PayloadCipher } from './payload-cipher.js';
import { SqliteStore } from './sqlite-store.js';

const cipher = new PayloadCipher(Buffer.alloc(32, 5));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A database as the previous release left it: its schema, two queued rows and a dead letter. */
function previousRelease(): string {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-migrate-'));
  dirs.push(dir);
  const path = join(dir, 'palisade.db');
  const db = new Database(path);
  db.exec(readFileSync(new URL('./fixtures/release-before-migrations.sql', import.meta.url), 'utf8'));
  const ga4Payload = { client_id: 'k1:anon', events: [{ name: 'appointment_booked', params: { session_id: 1, engagement_time_msec: 100 } }] };
  const insert = db.prepare('INSERT INTO outbox (destination_id, event_id, batch_key, payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)');
  for (const [id, payload] of [
    ['old-1', ga4Payload],
    ['old-2', { ...ga4Payload, client_id: 'k1:other' }],
  ] as const) {
    insert.run('d', id, `${payload.client_id}|`, cipher.encrypt(JSON.stringify(payload), associatedData('d', id)), 1000, 1000);
  }
  db.prepare('INSERT INTO dead_letters (destination_id, event_id, batch_key, payload, attempts, created_at, failed_at, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    'd',
    'old-dead',
    '',
    cipher.encrypt('{}', associatedData('d', 'old-dead')),
    3,
    1000,
    2000,
    'HTTP 400',
  );
  db.close();
  return path;
}

describe('migrations', () => {
  it("adopts the previous release's database, applies the rest once, and keeps every row", async () => {
    const path = previousRelease();
    const store = new SqliteStore({ path, cipher });
    expect(store.migrations.applied.map((m) => m.version)).toEqual([1, 2, 3, 4]);
    expect(await store.stats()).toEqual({ outbox: { d: 2 }, deadLetters: { d: 1 } });
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()).toEqual([
      { version: 1, name: 'outbox, dead letters and tracker inventory' },
      { version: 2, name: 'payload format of outbox rows and dead letters' },
      { version: 3, name: 'config versions' },
      { version: 4, name: 'delivery log' },
    ]);
    db.close();

    // The old rows are GA4 payloads already: delivered as they were stored, one request per client.
    const sent: OutboundRequest[] = [];
    await deliverUntil(store, activeDestination('ga4'), async (request) => {
      sent.push(request);
      return { status: 204, headers: {}, body: '' };
    });
    expect(sent.map((r) => JSON.parse(r.body).client_id).sort()).toEqual(['k1:anon', 'k1:other']);
    expect(JSON.parse(sent[0]!.body).events[0].name).toBe('appointment_booked');
    await store.close();

    // Opening again applies nothing; a dead letter of the old format is replayed in its format.
    const again = new SqliteStore({ path, cipher });
    expect(again.migrations.applied).toEqual([]);
    expect(await again.replayDeadLetters({}, Date.now())).toBe(1);
    const [row] = await again.claim('d', 10, Date.now(), 1000);
    expect(row).toMatchObject({ eventId: 'old-dead', format: 0 });
    await again.enqueue([{ destinationId: 'd', eventId: 'new', batchKey: '', payload: { v: 1 } }]);
    expect((await again.claim('d', 10, Date.now(), 1000)).map((r) => [r.eventId, r.format])).toEqual([['new', 1]]);
    await again.close();
  });

  it('checks format-0 rows that hold stored events as usual, and drops vendor payloads another connector cannot read', async () => {
    const path = previousRelease();
    const db = new Database(path);
    // A row written after connector v2 but before the format column: a stored clean event.
    const storedEvent = {
      v: 1,
      env: 'production',
      key: 'X',
      masked: [],
      event: { eventId: 'mid', type: 'track', event: 'X', anonymousId: 'k1:a', timestamp: new Date().toISOString(), properties: { n: 1, gone: 'x' }, traits: {}, context: {} },
    };
    db.prepare('INSERT INTO outbox (destination_id, event_id, batch_key, payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      'd',
      'mid',
      '',
      cipher.encrypt(JSON.stringify(storedEvent), associatedData('d', 'mid')),
      1000,
      1000,
    );
    db.close();
    const store = new SqliteStore({ path, cipher });
    // Destination `d` is a webhook now: the two GA4 payloads of the old release are not its own.
    const bodies: Array<Record<string, any>> = [];
    await deliverUntil(store, activeDestination('webhook'), async (request) => {
      bodies.push(...(JSON.parse(request.body) as { batch: Array<Record<string, any>> }).batch);
      return { status: 200, headers: {}, body: '' };
    });
    await store.close();
    // Only the stored event went, re-checked (`gone` is not in today's allowlist) and formatted.
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatchObject({ eventId: 'mid', properties: { n: 1 } });
    expect(bodies[0]!.properties.gone).toBeUndefined();
    expect(bodies[0]!.v).toBeUndefined();
  });

  it('upgrades an older database that lacks the tracker inventory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-migrate-'));
    dirs.push(dir);
    const path = join(dir, 'palisade.db');
    const db = new Database(path);
    const sql = readFileSync(new URL('./fixtures/release-before-migrations.sql', import.meta.url), 'utf8');
    db.exec(sql.slice(0, sql.indexOf('CREATE TABLE IF NOT EXISTS trackers')));
    db.pragma('user_version = 1');
    db.close();
    const store = new SqliteStore({ path, cipher });
    await store.recordTrackers([{ origin: 'https://t.example', kind: 'image', page: '/' }], Date.now());
    expect(await store.listTrackers()).toHaveLength(1);
    await store.close();
  });

  it('refuses a database from a newer release, and runs each migration in its own transaction', () => {
    const path = previousRelease();
    new SqliteStore({ path, cipher }).close();
    const db = new Database(path);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, ?, 0)').run('from the future');
    db.close();
    expect(() => new SqliteStore({ path, cipher })).toThrow(/newer Palisade \(schema 99/);

    // A failing migration leaves nothing half-applied and is not recorded.
    const log: string[] = [];
    const recorded: number[] = [];
    const target = {
      exec: (sql: string) => {
        log.push(sql);
        if (sql === 'BROKEN') throw new Error('syntax error');
      },
      applied: () => recorded,
      record: (m: { version: number }) => recorded.push(m.version),
      transaction: (fn: () => void) => fn(),
    };
    expect(() => migrate(target, [...SQLITE_MIGRATIONS.slice(0, 1), { version: 2, name: 'broken', sql: 'BROKEN' }])).toThrow('syntax error');
    expect(recorded).toEqual([1]);
  });
});
