/**
 * Schema migrations: numbered, forward-only, each recorded in `schema_migrations` when applied.
 * The SQLite store applies them when it opens; `palisade db migrate` applies them without
 * starting the relay. The runner only needs a way to run SQL in a transaction, so the PostgreSQL
 * store will use it with its own list.
 *
 * A database written by the release before migrations existed has the schema of migration 1 and
 * `user_version = 2`: it is adopted as being at version 1, and the later migrations run on it.
 * A migration never drops or rewrites queued rows.
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
  /** The version the release before migrations left in the file, if any (SQLite's user_version). */
  legacyVersion?(): number;
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
CREATE TABLE outbox (
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
CREATE INDEX outbox_order ON outbox (destination_id, id);
CREATE INDEX outbox_due ON outbox (destination_id, next_attempt_at);
CREATE TABLE dead_letters (
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
CREATE INDEX dead_letters_destination ON dead_letters (destination_id, id);
CREATE TABLE trackers (
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
];

/** The release before migrations wrote `user_version = 2` with migration 1's schema. */
const LEGACY_USER_VERSION = 2;

export function migrate(target: MigrationTarget, migrations: Migration[], now = Date.now()): MigrationResult {
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  let applied = new Set(target.applied());
  if (applied.size === 0 && target.legacyVersion?.() === LEGACY_USER_VERSION) {
    target.transaction(() => target.record({ ...migrations.find((m) => m.version === 1)!, name: `${migrations[0]!.name} (adopted)` }, now));
    applied = new Set([1]);
  }
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
