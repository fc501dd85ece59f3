/**
 * Schema migrations: numbered, forward-only, each recorded in `schema_migrations` when applied.
 * The SQLite store applies them when it opens; `palisade db migrate` applies them without
 * starting the relay. The runner only needs a way to run SQL in a transaction, so the PostgreSQL
 * store will use it with its own list.
 *
 * A database written by a release before migrations existed has some or all of migration 1's
 * tables: migration 1 creates only what is missing (IF NOT EXISTS), so it runs on such a database
 * as on a new one, and the later migrations follow. A migration never drops or rewrites queued
 * rows. (Releases before migrations refuse a database whose user_version is above theirs, so an
 * upgraded data directory is never opened by an older relay.)
 */

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** What the runner needs from a database. */
export interface MigrationTarget {
  /** Runs statements (no results). */
  exec(sql: string): void;
  /** Versions recorded in schema_migrations. */
  applied(): number[];
  record(migration: Migration, appliedAt: number): void;
  /** Runs `fn` in one transaction. */
  transaction(fn: () => void): void;
}

export interface MigrationResult {
  version: number;
  applied: Migration[];
}

export const SQLITE_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'outbox, dead letters and tracker inventory',
    sql: `
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
  last_error TEXT
);
-- Claims walk a destination's rows in id order and stop at the limit (no sort of the backlog);
-- nextDueAt looks for the earliest retry time.
CREATE INDEX IF NOT EXISTS outbox_order ON outbox (destination_id, id);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (destination_id, next_attempt_at);
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
CREATE TABLE IF NOT EXISTS trackers (
  origin TEXT NOT NULL,
  kind TEXT NOT NULL,
  page TEXT NOT NULL,
  vendor TEXT,
  count INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  PRIMARY KEY (origin, kind, page)
);`,
  },
  {
    version: 2,
    // 0: the vendor's payload, as releases before connector v2 stored it (delivered as it is);
    // 1: the destination's clean event (pipeline/stored-event.ts), mapped at delivery.
    name: 'payload format of outbox rows and dead letters',
    sql: `
ALTER TABLE outbox ADD COLUMN format INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dead_letters ADD COLUMN format INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    version: 3,
    name: 'config versions',
    sql: `
CREATE TABLE config_versions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  loaded_at INTEGER NOT NULL,
  source TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  destinations TEXT NOT NULL
);`,
  },
  {
    version: 4,
    name: 'delivery log',
    sql: `
CREATE TABLE delivery_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  destination_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX delivery_log_destination ON delivery_log (destination_id, id);
CREATE INDEX delivery_log_event ON delivery_log (event_id);`,
  },
];

export function migrate(target: MigrationTarget, migrations: Migration[], now = Date.now()): MigrationResult {
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  const applied = new Set(target.applied());
  const newest = Math.max(0, ...applied);
  if (newest > latest) throw new Error(`the data directory was written by a newer Palisade (schema ${newest}, this release knows ${latest})`);
  const ran: Migration[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    target.transaction(() => {
      target.exec(migration.sql);
      target.record(migration, now);
    });
    ran.push(migration);
  }
  return { version: latest, applied: ran };
}
