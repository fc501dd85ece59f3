/**
 * The relay's persistence, split by concern: the outbox (queued events and their delivery
 * state), dead letters, the tracker inventory and config versions (and, with the console, audit
 * log, users and sessions). A `Store` is all of them; each part has its own section of the
 * contract suite (`store.contract.ts`) that every implementation passes unchanged: SQLite, the
 * embedded store, today; PostgreSQL, for many relay processes, next.
 *
 * Payloads are already de-identified; implementations encrypt them at rest with PayloadCipher.
 * The schema changes only through numbered migrations (`migrations.ts`).
 *
 * Adding a store: implement the four parts, run `storeContract` from its test file, and give it
 * a migration list for `migrate()`. The relay reaches the SQLite store through a worker thread
 * (`worker-store.ts`): a new Store method is added to its FORWARDED list (the compiler insists),
 * unless it carries payloads, which are serialised on the caller's side.
 */
export interface NewOutboxRow {
  destinationId: string;
  /** The destination's opaque event id (dedup key). */
  eventId: string;
  /** Rows with the same batch key may travel in one vendor request. */
  batchKey: string;
  payload: unknown;
}

export interface OutboxRow extends NewOutboxRow {
  id: number;
  /** 1: a stored clean event; 0: a vendor payload written before connector v2 (sent as it is). */
  format: number;
  /** Stored size of the payload: close enough to its JSON size for batching to vendor limits. */
  bytes: number;
  attempts: number;
  createdAt: number;
  firstAttemptAt: number | null;
  lastError: string | null;
}

export interface DeadLetter {
  id: number;
  destinationId: string;
  eventId: string;
  attempts: number;
  createdAt: number;
  failedAt: number;
  reason: string;
}

/** A third-party origin that pages tried to contact (CSP reports, the SDK's guard). */
export interface TrackerSighting {
  origin: string;
  /** script, image, connect, frame, style, font, media, other. */
  kind: string;
  /** Page path template (`/patients/:id/book`). */
  page: string;
  /** Vendor name, where known (from the full URL, which is not kept). */
  vendor?: string;
}

export interface TrackerRecord {
  origin: string;
  kind: string;
  vendor?: string;
  /** Up to 20 page templates where it was seen. */
  pages: string[];
  count: number;
  firstSeen: number;
  lastSeen: number;
}

export interface StoreStats {
  outbox: Record<string, number>;
  deadLetters: Record<string, number>;
}

/** A config the relay loaded: when, from where, and its hash (never its contents: it names secrets). */
export interface ConfigVersion {
  id: number;
  loadedAt: number;
  /** What loaded it: `start`, `SIGHUP`, `file change`. */
  source: string;
  /** SHA-256 of the config file's bytes. */
  sha256: string;
  /** The destination ids it activated. */
  destinations: string[];
}

/**
 * What became of one event at one destination: delivered (with how its consent was compiled),
 * dropped before sending (with why), or dead-lettered. Ids and reasons only, never values; the
 * newest entries are kept (DELIVERY_LOG_LIMIT).
 */
export interface DeliveryRecord {
  destinationId: string;
  /** The destination's opaque event id. */
  eventId: string;
  at: number;
  outcome: 'delivered' | 'dropped' | 'dead_lettered';
  /** `ad_user_data=DENIED because GPC`, `older than the 7 days Meta accepts`, the vendor's refusal. */
  detail: string;
}

/** Entries the delivery log keeps, newest first; older ones are removed as new ones come. */
export const DELIVERY_LOG_LIMIT = 100_000;

export interface DeliveryLogStore {
  recordDeliveries(records: DeliveryRecord[]): Promise<void>;
  /** Newest first. */
  listDeliveries(filter?: { destinationId?: string; eventId?: string; limit?: number }): Promise<Array<DeliveryRecord & { id: number }>>;
}

export interface OutboxStore {
  /** Resolves only once the rows are durably committed: the relay acknowledges after this. */
  enqueue(rows: NewOutboxRow[]): Promise<void>;
  /** Leases up to `limit` due rows of one destination, oldest first, for `leaseMs`. */
  claim(destinationId: string, limit: number, now: number, leaseMs: number): Promise<OutboxRow[]>;
  /** Delivered: the rows are gone. */
  ack(ids: number[]): Promise<void>;
  /** A failed attempt: attempts + 1, first attempt time kept, next try at `nextAttemptAt`. */
  reschedule(ids: number[], nextAttemptAt: number, error: string, now: number): Promise<void>;
  /** Gives rows back without counting an attempt (a worker stopping, a circuit opening). */
  release(ids: number[]): Promise<void>;
  /** Moves rows to dead letters with the reason. */
  deadLetter(ids: number[], reason: string, now: number): Promise<void>;
  /**
   * Makes up to `limit` of a destination's rescheduled rows due at `now`, earliest first (all when
   * no limit): a probe of a failing vendor, and the backlog once it answers again. Returns how many.
   */
  reviveRetries(destinationId: string, now: number, limit?: number): Promise<number>;
  /** Earliest next attempt time of a destination's unleased rows, or null when none wait. */
  nextDueAt(destinationId: string): Promise<number | null>;
  stats(): Promise<StoreStats>;
}

export interface DeadLetterStore {
  listDeadLetters(filter?: { destinationId?: string; limit?: number }): Promise<DeadLetter[]>;
  /** Moves dead letters back into the outbox with a fresh attempt count; returns how many. */
  replayDeadLetters(filter: { destinationId?: string; ids?: number[] }, now: number): Promise<number>;
}

export interface TrackerStore {
  /** Adds sightings to the tracker inventory (bounded: new combinations stop at 10,000 rows). */
  recordTrackers(sightings: TrackerSighting[], now: number): Promise<void>;
  /** The inventory by origin and kind, most seen first. */
  listTrackers(): Promise<TrackerRecord[]>;
}

export interface ConfigVersionStore {
  recordConfigVersion(version: Omit<ConfigVersion, 'id'>): Promise<ConfigVersion>;
  /** Newest first. */
  listConfigVersions(limit?: number): Promise<ConfigVersion[]>;
}

export interface Store extends OutboxStore, DeadLetterStore, TrackerStore, ConfigVersionStore, DeliveryLogStore {
  /** Throws when the store cannot write (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
