/**
 * The embedded store: one SQLite file in WAL mode with synchronous=FULL, so a commit is on disk
 * before `enqueue` resolves. Every write (new rows, acknowledgements, reschedules) that arrives in
 * the same event-loop turn shares one transaction (group commit): one fsync for many requests.
 *
 * Only what promise 5 needs waits for the disk: a transaction made of delivery bookkeeping alone
 * (acknowledgements, reschedules, dead letters, the delivery log, the tracker inventory) commits
 * with synchronous=NORMAL. WAL keeps it atomic; a power cut can at worst undo the last of them,
 * which sends an event again (delivery is at least once) but never loses one. The next durable
 * commit syncs them too.
 *
 * The embedded store serves one relay process, so leases are kept in memory: claiming is a read,
 * and after a crash every unfinished row is simply claimable again (at-least-once delivery).
 *
 * Queue sizes per destination are counters kept as rows come and go (counted once at open, and
 * again only when another connection, such as `palisade dlq replay`, changed the file): metrics
 * never scan the outbox. The directory is made 0700 and the database files 0600, whatever the
 * umask: they hold encrypted events and the inventory of the site's pages.
 */
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate, SQLITE_MIGRATIONS, type MigrationResult } from './migrations.js';
import { associatedData, type PayloadCipher } from './payload-cipher.js';
import { parseClaimed, UNREADABLE } from './parse-claimed.js';
import {
  type ConfigVersion,
  type DeadLetter,
  DELIVERY_LOG_LIMIT,
  type DeliveryRecord,
  type NewOutboxRow,
  type OutboxRow,
  type Store,
  type StoreStats,
  type TrackerRecord,
  type TrackerSighting,
} from './store.js';

const MAX_TRACKER_ROWS = 10_000;
/** Rows written now hold stored clean events (migration 2 explains the formats). */
export const PAYLOAD_FORMAT = 1;

/** Creates the database's directory (0700) and file (0600) before SQLite opens it. */
function prepareFiles(path: string): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  // SQLite gives the -wal and -shm files the database file's permissions.
  closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
}

/** Applies the pending migrations to an open database (the store does it when it opens). */
export function migrateSqlite(db: Database.Database): MigrationResult {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const result = migrate(
    {
      exec: (sql) => db.exec(sql),
      applied: () => db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[],
      record: (m, at) => db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, at),
      transaction: (fn) => db.transaction(fn)(),
    },
    SQLITE_MIGRATIONS,
  );
  // For tools that read user_version (sqlite3's .dbinfo): the schema's version.
  db.pragma(`user_version = ${result.version}`);
  return result;
}

/** `palisade db migrate`: the data directory's database brought to this release's schema. */
export function migrateDatabaseFile(path: string): MigrationResult {
  prepareFiles(path);
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    return migrateSqlite(db);
  } finally {
    db.close();
  }
}

type Counts = Map<string, number>;
function bump(counts: Counts, destination: string, n: number): void {
  const next = (counts.get(destination) ?? 0) + n;
  if (next > 0) counts.set(destination, next);
  else counts.delete(destination);
}

interface RawOutboxRow {
  id: number;
  destination_id: string;
  event_id: string;
  batch_key: string;
  payload: Buffer;
  format: number;
  attempts: number;
  created_at: number;
  first_attempt_at: number | null;
  last_error: string | null;
}

interface PendingWrite {
  apply: (now: number) => void;
  /** Must be on disk before it resolves (new events, replays, config versions). */
  durable: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export type SerializedRow = Omit<NewOutboxRow, 'payload'> & { json: string };
export type ClaimedJsonRow = Omit<OutboxRow, 'payload'> & { json: string };

export interface SqliteStoreOptions {
  /** File path, or ':memory:' for tests that need no durability. */
  path: string;
  cipher: PayloadCipher;
}

export class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #cipher: PayloadCipher;
  /** Rows handed to a worker and not yet acknowledged, rescheduled or released: id -> lease end. */
  readonly #leases = new Map<number, number>();
  #pending: PendingWrite[] = [];
  #flushScheduled = false;
  readonly #commit: (writes: PendingWrite[], now: number) => void;
  readonly #sql: Record<'insert' | 'due' | 'ack' | 'reschedule' | 'toDead' | 'deleteList' | 'nextDue', Database.Statement>;
  #outboxCounts: Counts = new Map();
  #deadCounts: Counts = new Map();
  /** PRAGMA data_version when the counts were taken: it changes when another connection commits. */
  #countedVersion = -1;
  /** The schema version, and the migrations this open applied. */
  readonly migrations: MigrationResult;

  constructor(options: SqliteStoreOptions) {
    if (options.path !== ':memory:') prepareFiles(options.path);
    this.#db = new Database(options.path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = FULL');
    this.#db.pragma('busy_timeout = 5000');
    this.migrations = migrateSqlite(this.#db);
    this.#cipher = options.cipher;
    const ids = 'SELECT value FROM json_each(?)';
    this.#sql = {
      insert: this.#db.prepare(
        `INSERT INTO outbox (destination_id, event_id, batch_key, payload, format, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ${PAYLOAD_FORMAT}, ?, ?)`,
      ),
      due: this.#db.prepare(`
        SELECT id, destination_id, event_id, batch_key, payload, format, attempts, created_at, first_attempt_at, last_error
        FROM outbox INDEXED BY outbox_order WHERE destination_id = ? AND next_attempt_at <= ? ORDER BY id LIMIT ?`),
      ack: this.#db.prepare(`DELETE FROM outbox WHERE id IN (${ids}) RETURNING destination_id AS d`),
      reschedule: this.#db.prepare(`
        UPDATE outbox SET attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, ?), next_attempt_at = ?, last_error = ?
        WHERE id IN (${ids})`),
      toDead: this.#db.prepare(`
        INSERT INTO dead_letters (destination_id, event_id, batch_key, payload, format, attempts, created_at, failed_at, reason)
        SELECT destination_id, event_id, batch_key, payload, format, attempts + 1, created_at, ?, ? FROM outbox WHERE id IN (${ids}) ORDER BY id
        RETURNING destination_id AS d`),
      deleteList: this.#db.prepare(`DELETE FROM outbox WHERE id IN (${ids})`),
      nextDue: this.#db.prepare('SELECT id, next_attempt_at AS due FROM outbox WHERE destination_id = ? ORDER BY next_attempt_at LIMIT ?'),
    };
    this.#commit = this.#db.transaction((writes: PendingWrite[], now: number) => {
      for (const write of writes) write.apply(now);
    });
    this.#recount();
  }

  #recount(): void {
    const count = (table: string) =>
      new Map(
        (this.#db.prepare(`SELECT destination_id AS d, COUNT(*) AS n FROM ${table} GROUP BY destination_id`).all() as Array<{ d: string; n: number }>).map((r) => [r.d, r.n]),
      );
    this.#outboxCounts = count('outbox');
    this.#deadCounts = count('dead_letters');
    this.#countedVersion = this.#db.pragma('data_version', { simple: true }) as number;
  }

  /** Moves counted rows (from `RETURNING destination_id AS d`) from one queue to another. */
  #moved(rows: Array<{ d: string }>, from: Counts | undefined, to: Counts | undefined): void {
    for (const { d } of rows) {
      if (from) bump(from, d, -1);
      if (to) bump(to, d, 1);
    }
  }

  /**
   * Queues a write for the next group commit; resolves once it is committed (and on disk, when
   * `durable` or when it shares its transaction with a durable write).
   */
  #write(apply: (now: number) => void, durable = true): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ apply, durable, resolve, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    const writes = this.#pending;
    this.#pending = [];
    this.#flushScheduled = false;
    const relaxed = writes.every((w) => !w.durable);
    try {
      if (relaxed) this.#db.pragma('synchronous = NORMAL');
      this.#commit(writes, Date.now());
    } catch (error) {
      // The counts moved with writes that were rolled back.
      this.#recount();
      for (const w of writes) w.reject(error);
      return;
    } finally {
      if (relaxed) this.#db.pragma('synchronous = FULL');
    }
    for (const w of writes) w.resolve();
  }

  enqueue(rows: NewOutboxRow[]): Promise<void> {
    return this.enqueueJson(rows.map((r) => ({ destinationId: r.destinationId, eventId: r.eventId, batchKey: r.batchKey, json: JSON.stringify(r.payload) })));
  }

  /** As `enqueue`, with payloads already serialised (what the worker-thread store sends). */
  enqueueJson(rows: SerializedRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    const sealed = rows.map((r) => this.#cipher.encrypt(r.json, associatedData(r.destinationId, r.eventId)));
    return this.#write((now) => {
      rows.forEach((r, i) => {
        this.#sql.insert.run(r.destinationId, r.eventId, r.batchKey, sealed[i], now, now);
        bump(this.#outboxCounts, r.destinationId, 1);
      });
    });
  }

  #leased(id: number, now: number): boolean {
    const until = this.#leases.get(id);
    if (until === undefined) return false;
    if (until > now) return true;
    this.#leases.delete(id);
    return false;
  }

  async claim(destinationId: string, limit: number, now: number, leaseMs: number): Promise<OutboxRow[]> {
    return parseClaimed(this, await this.claimJson(destinationId, limit, now, leaseMs), now);
  }

  /** As `claim`, with payloads left as JSON text (parsed by the caller, on its own thread). */
  async claimJson(destinationId: string, limit: number, now: number, leaseMs: number): Promise<ClaimedJsonRow[]> {
    // Leased rows of this destination are skipped, so the query may have to look past `limit`;
    // it stops at the limit-th free row, so rows (and payloads) beyond it are never read.
    const rows: RawOutboxRow[] = [];
    for (const r of this.#sql.due.iterate(destinationId, now, limit + this.#leases.size) as IterableIterator<RawOutboxRow>) {
      if (this.#leased(r.id, now)) continue;
      rows.push(r);
      if (rows.length === limit) break;
    }
    // Each row is decrypted on its own: one that cannot be read goes to dead letters with the
    // reason, and the rest of the claim is delivered.
    const claimed: ClaimedJsonRow[] = [];
    const unreadable: number[] = [];
    for (const r of rows) {
      let json: string;
      try {
        json = this.#cipher.decrypt(r.payload, associatedData(r.destination_id, r.event_id));
      } catch {
        unreadable.push(r.id);
        continue;
      }
      this.#leases.set(r.id, now + leaseMs);
      claimed.push({
        id: r.id,
        destinationId: r.destination_id,
        eventId: r.event_id,
        batchKey: r.batch_key,
        json,
        format: r.format,
        bytes: r.payload.length,
        attempts: r.attempts,
        createdAt: r.created_at,
        firstAttemptAt: r.first_attempt_at,
        lastError: r.last_error,
      });
    }
    if (unreadable.length > 0) await this.deadLetter(unreadable, UNREADABLE, now);
    return claimed;
  }

  #unlease(ids: number[]): void {
    for (const id of ids) this.#leases.delete(id);
  }

  ack(ids: number[]): Promise<void> {
    const list = JSON.stringify(ids);
    return this.#write(() => this.#moved(this.#sql.ack.all(list) as Array<{ d: string }>, this.#outboxCounts, undefined), false).finally(() => this.#unlease(ids));
  }

  reschedule(ids: number[], nextAttemptAt: number, error: string, now: number): Promise<void> {
    const list = JSON.stringify(ids);
    return this.#write(() => this.#sql.reschedule.run(now, nextAttemptAt, error, list), false).finally(() => this.#unlease(ids));
  }

  async release(ids: number[]): Promise<void> {
    this.#unlease(ids);
  }

  deadLetter(ids: number[], reason: string, now: number): Promise<void> {
    const list = JSON.stringify(ids);
    return this.#write(() => {
      this.#moved(this.#sql.toDead.all(now, reason, list) as Array<{ d: string }>, this.#outboxCounts, this.#deadCounts);
      this.#sql.deleteList.run(list);
    }, false).finally(() => this.#unlease(ids));
  }

  async listDeadLetters(filter: { destinationId?: string; limit?: number } = {}): Promise<DeadLetter[]> {
    const rows = this.#db
      .prepare(`
      SELECT id, destination_id, event_id, attempts, created_at, failed_at, reason FROM dead_letters
      WHERE (? IS NULL OR destination_id = ?) ORDER BY id LIMIT ?
    `)
      .all(filter.destinationId ?? null, filter.destinationId ?? null, filter.limit ?? 1000) as Array<{
      id: number;
      destination_id: string;
      event_id: string;
      attempts: number;
      created_at: number;
      failed_at: number;
      reason: string;
    }>;
    return rows.map((r) => ({
      id: r.id,
      destinationId: r.destination_id,
      eventId: r.event_id,
      attempts: r.attempts,
      createdAt: r.created_at,
      failedAt: r.failed_at,
      reason: r.reason,
    }));
  }

  async replayDeadLetters(filter: { destinationId?: string; ids?: number[] }, now: number): Promise<number> {
    const where = '(? IS NULL OR destination_id = ?) AND (? IS NULL OR id IN (SELECT value FROM json_each(?)))';
    const ids = filter.ids === undefined ? null : JSON.stringify(filter.ids);
    const args = [filter.destinationId ?? null, filter.destinationId ?? null, ids, ids];
    let moved = 0;
    await this.#write(() => {
      const rows = this.#db
        .prepare(`
        INSERT INTO outbox (destination_id, event_id, batch_key, payload, format, created_at, next_attempt_at)
        SELECT destination_id, event_id, batch_key, payload, format, created_at, ? FROM dead_letters WHERE ${where} ORDER BY id
        RETURNING destination_id AS d
      `)
        .all(now, ...args) as Array<{ d: string }>;
      this.#moved(rows, this.#deadCounts, this.#outboxCounts);
      moved = rows.length;
      this.#db.prepare(`DELETE FROM dead_letters WHERE ${where}`).run(...args);
    });
    return moved;
  }

  async reviveRetries(destinationId: string, now: number, limit = -1): Promise<number> {
    let n = 0;
    await this.#write(() => {
      n = this.#db
        .prepare(`
        UPDATE outbox SET next_attempt_at = ? WHERE id IN (
          SELECT id FROM outbox WHERE destination_id = ? AND next_attempt_at > ? ORDER BY next_attempt_at LIMIT ?)`)
        .run(now, destinationId, now, limit).changes;
    }, false);
    return n;
  }

  async nextDueAt(destinationId: string): Promise<number | null> {
    const now = Date.now();
    const rows = this.#sql.nextDue.all(destinationId, this.#leases.size + 1) as Array<{ id: number; due: number }>;
    return rows.find((r) => !this.#leased(r.id, now))?.due ?? null;
  }

  async stats(): Promise<StoreStats> {
    if (this.#db.pragma('data_version', { simple: true }) !== this.#countedVersion) this.#recount();
    return { outbox: Object.fromEntries(this.#outboxCounts), deadLetters: Object.fromEntries(this.#deadCounts) };
  }

  /**
   * The inventory is bounded (10,000 origin, kind and page rows). When it is full, a new row takes
   * the place of the least seen row of an unknown vendor, so junk (random origins in forged CSP
   * reports) only ever displaces junk: known vendors and often-seen origins stay.
   */
  recordTrackers(sightings: TrackerSighting[], now: number): Promise<void> {
    if (sightings.length === 0) return Promise.resolve();
    return this.#write(() => {
      const seen = this.#db.prepare('UPDATE trackers SET count = count + 1, last_seen = ?, vendor = COALESCE(?, vendor) WHERE origin = ? AND kind = ? AND page = ?');
      const insert = this.#db.prepare('INSERT INTO trackers (origin, kind, page, vendor, count, first_seen, last_seen) VALUES (?, ?, ?, ?, 1, ?, ?)');
      const size = this.#db.prepare('SELECT COUNT(*) FROM trackers').pluck();
      const evict = this.#db.prepare(`
        DELETE FROM trackers WHERE rowid = (
          SELECT rowid FROM trackers WHERE vendor IS NULL ORDER BY count, last_seen LIMIT 1)`);
      let rows = size.get() as number;
      for (const s of sightings) {
        if (seen.run(now, s.vendor ?? null, s.origin, s.kind, s.page).changes > 0) continue;
        if (rows >= MAX_TRACKER_ROWS) {
          if (evict.run().changes === 0) continue;
          rows--;
        }
        insert.run(s.origin, s.kind, s.page, s.vendor ?? null, now, now);
        rows++;
      }
    }, false);
  }

  async listTrackers(): Promise<TrackerRecord[]> {
    const rows = this.#db
      .prepare(`
      SELECT origin, kind, MAX(vendor) AS vendor, SUM(count) AS count, MIN(first_seen) AS first_seen,
             MAX(last_seen) AS last_seen, json_group_array(page) AS pages
      FROM (SELECT * FROM trackers ORDER BY count DESC) GROUP BY origin, kind ORDER BY SUM(count) DESC, origin
    `)
      .all() as Array<{ origin: string; kind: string; vendor: string | null; count: number; first_seen: number; last_seen: number; pages: string }>;
    return rows.map((r) => ({
      origin: r.origin,
      kind: r.kind,
      ...(r.vendor ? { vendor: r.vendor } : {}),
      pages: (JSON.parse(r.pages) as string[]).slice(0, 20),
      count: r.count,
      firstSeen: r.first_seen,
      lastSeen: r.last_seen,
    }));
  }

  async recordConfigVersion(version: Omit<ConfigVersion, 'id'>): Promise<ConfigVersion> {
    let id = 0;
    await this.#write(() => {
      id = Number(
        this.#db
          .prepare('INSERT INTO config_versions (loaded_at, source, sha256, destinations) VALUES (?, ?, ?, ?)')
          .run(version.loadedAt, version.source, version.sha256, JSON.stringify(version.destinations)).lastInsertRowid,
      );
    });
    return { id, ...version };
  }

  async listConfigVersions(limit = 20): Promise<ConfigVersion[]> {
    const rows = this.#db.prepare('SELECT id, loaded_at, source, sha256, destinations FROM config_versions ORDER BY id DESC LIMIT ?').all(limit) as Array<{
      id: number;
      loaded_at: number;
      source: string;
      sha256: string;
      destinations: string;
    }>;
    return rows.map((r) => ({ id: r.id, loadedAt: r.loaded_at, source: r.source, sha256: r.sha256, destinations: JSON.parse(r.destinations) as string[] }));
  }

  async recordDeliveries(records: DeliveryRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.#write(() => {
      const insert = this.#db.prepare('INSERT INTO delivery_log (destination_id, event_id, at, outcome, detail) VALUES (?, ?, ?, ?, ?)');
      let last = 0;
      for (const r of records) last = Number(insert.run(r.destinationId, r.eventId, r.at, r.outcome, r.detail.slice(0, 500)).lastInsertRowid);
      // Keep the newest entries only: ids grow by one per entry.
      this.#db.prepare('DELETE FROM delivery_log WHERE id <= ?').run(last - DELIVERY_LOG_LIMIT);
    }, false);
  }

  async listDeliveries(filter: { destinationId?: string; eventId?: string; limit?: number } = {}): Promise<Array<DeliveryRecord & { id: number }>> {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (filter.destinationId !== undefined) {
      where.push('destination_id = ?');
      args.push(filter.destinationId);
    }
    if (filter.eventId !== undefined) {
      where.push('event_id = ?');
      args.push(filter.eventId);
    }
    const limit = Math.min(Math.max(1, filter.limit ?? 100), 10_000);
    const rows = this.#db
      .prepare(`SELECT id, destination_id, event_id, at, outcome, detail FROM delivery_log ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`)
      .all(...args, limit) as Array<{ id: number; destination_id: string; event_id: string; at: number; outcome: DeliveryRecord['outcome']; detail: string }>;
    return rows.map((r) => ({ id: r.id, destinationId: r.destination_id, eventId: r.event_id, at: r.at, outcome: r.outcome, detail: r.detail }));
  }

  async ping(): Promise<void> {
    // Taking the write lock proves the file is writable without changing anything.
    this.#db.exec('BEGIN IMMEDIATE');
    this.#db.exec('ROLLBACK');
  }

  async close(): Promise<void> {
    if (this.#pending.length > 0) this.#flush();
    this.#db.close();
  }
}
