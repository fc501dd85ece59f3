/**
 * The embedded store: one SQLite file in WAL mode with synchronous=FULL, so a commit is on disk
 * before `enqueue` resolves. Concurrent ingests that arrive in the same event-loop turn share one
 * transaction (group commit): one fsync for many requests.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { associatedData, PayloadCipher } from './payload-cipher.js';
import type { DeadLetter, NewOutboxRow, OutboxRow, Store, StoreStats } from './store.js';

const SCHEMA_VERSION = 1;

const MIGRATION = `
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  destination_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  batch_key TEXT NOT NULL,
  payload BLOB NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  first_attempt_at INTEGER,
  next_attempt_at INTEGER NOT NULL,
  lease_until INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (destination_id, next_attempt_at, id);
CREATE TABLE IF NOT EXISTS dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  destination_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  batch_key TEXT NOT NULL,
  payload BLOB NOT NULL,
  attempts INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  failed_at INTEGER NOT NULL,
  reason TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS dead_letters_destination ON dead_letters (destination_id, id);
`;

interface RawOutboxRow {
  id: number;
  destination_id: string;
  event_id: string;
  batch_key: string;
  payload: Buffer;
  attempts: number;
  created_at: number;
  first_attempt_at: number | null;
  last_error: string | null;
}

interface PendingWrite {
  rows: Array<[string, string, string, Buffer]>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface SqliteStoreOptions {
  /** File path, or ':memory:' for tests that need no durability. */
  path: string;
  cipher: PayloadCipher;
  /** Single-process store: leases left by a crashed process are released on open. */
  releaseLeasesOnOpen?: boolean;
}

export class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #cipher: PayloadCipher;
  #pending: PendingWrite[] = [];
  #flushScheduled = false;
  readonly #insert: Database.Statement;
  readonly #insertAll: (writes: PendingWrite[], now: number) => void;

  constructor(options: SqliteStoreOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.#db = new Database(options.path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = FULL');
    this.#db.pragma('busy_timeout = 5000');
    this.#migrate();
    this.#cipher = options.cipher;
    if (options.releaseLeasesOnOpen ?? true) this.#db.prepare('UPDATE outbox SET lease_until = 0 WHERE lease_until > 0').run();
    this.#insert = this.#db.prepare(
      'INSERT INTO outbox (destination_id, event_id, batch_key, payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.#insertAll = this.#db.transaction((writes: PendingWrite[], now: number) => {
      for (const write of writes) {
        for (const [destinationId, eventId, batchKey, payload] of write.rows) {
          this.#insert.run(destinationId, eventId, batchKey, payload, now, now);
        }
      }
    });
  }

  #migrate(): void {
    const version = this.#db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new Error(`the data directory was written by a newer Palisade (schema ${version})`);
    this.#db.exec(MIGRATION);
    this.#db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }

  enqueue(rows: NewOutboxRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    const sealed = rows.map((r): [string, string, string, Buffer] => [
      r.destinationId,
      r.eventId,
      r.batchKey,
      this.#cipher.encrypt(JSON.stringify(r.payload), associatedData(r.destinationId, r.eventId)),
    ]);
    return new Promise((resolve, reject) => {
      this.#pending.push({ rows: sealed, resolve, reject });
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
    try {
      this.#insertAll(writes, Date.now());
    } catch (error) {
      for (const w of writes) w.reject(error);
      return;
    }
    for (const w of writes) w.resolve();
  }

  async claim(destinationId: string, limit: number, now: number, leaseMs: number): Promise<OutboxRow[]> {
    const rows = this.#db.prepare(`
      UPDATE outbox SET lease_until = ?
      WHERE id IN (
        SELECT id FROM outbox
        WHERE destination_id = ? AND next_attempt_at <= ? AND lease_until <= ?
        ORDER BY id LIMIT ?
      )
      RETURNING id, destination_id, event_id, batch_key, payload, attempts, created_at, first_attempt_at, last_error
    `).all(now + leaseMs, destinationId, now, now, limit) as RawOutboxRow[];
    rows.sort((a, b) => a.id - b.id);
    return rows.map((r) => ({
      id: r.id,
      destinationId: r.destination_id,
      eventId: r.event_id,
      batchKey: r.batch_key,
      payload: JSON.parse(this.#cipher.decrypt(r.payload, associatedData(r.destination_id, r.event_id))),
      attempts: r.attempts,
      createdAt: r.created_at,
      firstAttemptAt: r.first_attempt_at,
      lastError: r.last_error,
    }));
  }

  async ack(ids: number[]): Promise<void> {
    this.#db.prepare('DELETE FROM outbox WHERE id IN (SELECT value FROM json_each(?))').run(JSON.stringify(ids));
  }

  async reschedule(ids: number[], nextAttemptAt: number, error: string, now: number): Promise<void> {
    this.#db.prepare(`
      UPDATE outbox SET attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, ?),
        next_attempt_at = ?, lease_until = 0, last_error = ?
      WHERE id IN (SELECT value FROM json_each(?))
    `).run(now, nextAttemptAt, error, JSON.stringify(ids));
  }

  async release(ids: number[]): Promise<void> {
    this.#db.prepare('UPDATE outbox SET lease_until = 0 WHERE id IN (SELECT value FROM json_each(?))').run(JSON.stringify(ids));
  }

  async deadLetter(ids: number[], reason: string, now: number): Promise<void> {
    const list = JSON.stringify(ids);
    this.#db.transaction(() => {
      this.#db.prepare(`
        INSERT INTO dead_letters (destination_id, event_id, batch_key, payload, attempts, created_at, failed_at, reason)
        SELECT destination_id, event_id, batch_key, payload, attempts + 1, created_at, ?, ?
        FROM outbox WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id
      `).run(now, reason, list);
      this.#db.prepare('DELETE FROM outbox WHERE id IN (SELECT value FROM json_each(?))').run(list);
    })();
  }

  async listDeadLetters(filter: { destinationId?: string; limit?: number } = {}): Promise<DeadLetter[]> {
    const rows = this.#db.prepare(`
      SELECT id, destination_id, event_id, attempts, created_at, failed_at, reason FROM dead_letters
      WHERE (? IS NULL OR destination_id = ?) ORDER BY id LIMIT ?
    `).all(filter.destinationId ?? null, filter.destinationId ?? null, filter.limit ?? 1000) as Array<Record<string, never>>;
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
    const where = `(? IS NULL OR destination_id = ?) AND (? IS NULL OR id IN (SELECT value FROM json_each(?)))`;
    const ids = filter.ids === undefined ? null : JSON.stringify(filter.ids);
    const args = [filter.destinationId ?? null, filter.destinationId ?? null, ids, ids];
    return this.#db.transaction(() => {
      const moved = this.#db.prepare(`
        INSERT INTO outbox (destination_id, event_id, batch_key, payload, created_at, next_attempt_at)
        SELECT destination_id, event_id, batch_key, payload, created_at, ? FROM dead_letters WHERE ${where} ORDER BY id
      `).run(now, ...args).changes;
      this.#db.prepare(`DELETE FROM dead_letters WHERE ${where}`).run(...args);
      return moved;
    })();
  }

  async nextDueAt(destinationId: string): Promise<number | null> {
    const row = this.#db.prepare(
      'SELECT MIN(MAX(next_attempt_at, lease_until)) AS due FROM outbox WHERE destination_id = ?',
    ).get(destinationId) as { due: number | null };
    return row.due;
  }

  async stats(): Promise<StoreStats> {
    const count = (table: string) => Object.fromEntries(
      (this.#db.prepare(`SELECT destination_id AS d, COUNT(*) AS n FROM ${table} GROUP BY destination_id`).all() as Array<{ d: string; n: number }>)
        .map((r) => [r.d, r.n]),
    );
    return { outbox: count('outbox'), deadLetters: count('dead_letters') };
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
