/**
 * One delivery loop per destination: claim due rows, batch them to the vendor's limits, send,
 * and act on the connector's verdict. Retries back off with full jitter; a failing vendor pauses
 * the loop (circuit open) instead of burning through the queue; events that keep failing past
 * `maxAttempts` and `maxAgeHours` go to dead letters with the reason.
 *
 * Recovery is quick: a vendor's Retry-After is honoured up to `maxRetryAfterMs`, the pause after
 * a failure never exceeds `probeIntervalMs` (then one batch probes the vendor, made due early if
 * every waiting event was rescheduled further out), and the first success makes every
 * rescheduled event due at once.
 */
import type { BatchOutcome, Credentials, Outcome } from '../destinations/connector.js';
import type { ActiveDestination } from '../destinations/active-destination.js';
import type { DeliveryRecord, OutboxRow, Store } from '../store/store.js';
import type { Logger } from '../log.js';
import type { RelayMetrics } from '../metrics.js';
import { backoffDelay, type BackoffPolicy } from './backoff.js';
import { planBatches } from './batches.js';
import { httpSend, NetworkError, type Send } from './http-send.js';
import { vendorPayload } from './vendor-payload.js';

export interface WorkerOptions {
  /** The destination with its connector, resolved settings, mask and mapping. */
  destination: ActiveDestination;
  store: Store;
  log: Logger;
  metrics?: RelayMetrics;
  backoff: BackoffPolicy;
  pollMs?: number;
  claimLimit?: number;
  send?: Send;
  now?: () => number;
  random?: () => number;
}

/** A claimed row in the vendor's format, ready to batch. */
interface Item {
  row: OutboxRow;
  payload: unknown;
  batchKey: string;
  bytes: number;
  /** How the connector decided the event's consent fields, for the delivery log. */
  decision?: string;
}

type Retry = Extract<Outcome, { kind: 'retry' }>;

/** Credentials are fetched again this long before they expire. */
const CREDENTIALS_MARGIN_MS = 60_000;

const HOUR = 3_600_000;

export class DeliveryWorker {
  readonly #o: Required<Omit<WorkerOptions, 'metrics'>> & Pick<WorkerOptions, 'metrics'>;
  readonly #maxEvents: number;
  #credentials: Credentials | undefined;
  #obtaining: Promise<Credentials> | undefined;
  /** The open client of a sink connector (a database pool), opened on first use. */
  #client: Promise<unknown> | undefined;
  #running = false;
  #loop: Promise<void> | undefined;
  /** Ends the current sleep; `wake()` uses it only while idle, `stop()` always. */
  #interrupt: (() => void) | undefined;
  #wakeable = false;
  #consecutiveFailures = 0;
  #nextRequestAt = 0;

  constructor(options: WorkerOptions) {
    this.#o = { pollMs: 1000, claimLimit: 500, send: httpSend, now: Date.now, random: Math.random, ...options };
    const { connector, config } = options.destination;
    this.#maxEvents = Math.min(connector.limits.maxEvents, config.delivery.batchSize ?? Infinity);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /**
   * New rows were committed: look now instead of at the next poll. A pause after a vendor failure
   * (circuit open) is not cut short: fresh rows wait for it like the rescheduled ones.
   */
  wake(): void {
    if (this.#wakeable) this.#interrupt?.();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#interrupt?.();
    await this.#loop;
    const { connector } = this.#o.destination;
    if (this.#client !== undefined && connector.kind === 'sink') {
      const client = await this.#client.catch(() => undefined);
      this.#client = undefined;
      if (client !== undefined) await connector.close(client);
    }
  }

  #sleep(ms: number, wakeable: boolean): Promise<void> {
    this.#wakeable = wakeable;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wakeable = false;
        this.#interrupt = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#interrupt = done;
    });
  }

  async #run(): Promise<void> {
    const { store, log } = this.#o;
    const destination = this.#o.destination.config;
    while (this.#running) {
      try {
        // After a failure, probe with one request's worth before taking the whole backlog again.
        const limit = this.#consecutiveFailures > 0 ? this.#maxEvents : this.#o.claimLimit;
        let rows = await store.claim(destination.id, limit, this.#o.now(), destination.delivery.timeoutMs + 30_000);
        if (rows.length === 0 && this.#consecutiveFailures > 0 && (await store.reviveRetries(destination.id, this.#o.now(), this.#maxEvents)) > 0) {
          rows = await store.claim(destination.id, limit, this.#o.now(), destination.delivery.timeoutMs + 30_000);
        }
        if (rows.length === 0) {
          await this.#sleep(await this.#idleDelay(), true);
          continue;
        }
        const recovering = this.#consecutiveFailures > 0;
        const pause = await this.#deliverAll(rows);
        // The vendor answers again: what waits for a later retry goes now.
        if (recovering && this.#consecutiveFailures === 0) await store.reviveRetries(destination.id, this.#o.now());
        if (pause > 0) await this.#sleep(pause, false);
      } catch (error) {
        log.error({ destination: destination.id, err: { message: (error as Error).message } }, 'delivery loop error');
        await this.#sleep(this.#o.pollMs, false);
      }
    }
  }

  async #idleDelay(): Promise<number> {
    const due = await this.#o.store.nextDueAt(this.#o.destination.config.id);
    if (due === null) return this.#o.pollMs;
    return Math.max(10, Math.min(this.#o.pollMs, due - this.#o.now()));
  }

  /**
   * The claimed rows in the vendor's format: each stored event is checked against today's policy,
   * mapped and formatted. What the policy or the vendor's format no longer takes is removed and
   * counted (as ingest counts its drops); a row that cannot be read goes to dead letters.
   */
  async #prepare(rows: OutboxRow[]): Promise<Item[]> {
    const { destination, store, metrics, log } = this.#o;
    const { config } = destination;
    const items: Item[] = [];
    const dropped = new Map<string, number[]>();
    const broken = new Map<string, number[]>();
    const add = (map: Map<string, number[]>, reason: string, id: number) => map.set(reason, [...(map.get(reason) ?? []), id]);
    for (const row of rows) {
      try {
        const result = vendorPayload(row.payload, destination, row.format === 0 ? { batchKey: row.batchKey } : undefined, this.#o.now());
        if ('unreadable' in result) add(broken, result.unreadable, row.id);
        else if ('dropped' in result) add(dropped, result.dropped, row.id);
        else items.push({ row, payload: result.payload, batchKey: result.batchKey, bytes: row.bytes, ...(result.decision ? { decision: result.decision } : {}) });
      } catch (error) {
        // A connector bug must not block the queue: the row waits in dead letters for a fix and a replay.
        log.error({ destination: config.id, err: { message: (error as Error).message } }, 'connector failed to format an event');
        add(broken, 'connector error while formatting', row.id);
      }
    }
    const eventIds = new Map(rows.map((r) => [r.id, r.eventId]));
    const logged = (ids: number[]) => ids.map((id) => eventIds.get(id)!);
    // A change and its delivery log entries are issued together: the store commits them in one transaction.
    for (const [reason, ids] of dropped) {
      await Promise.all([store.ack(ids), this.#log(logged(ids), 'dropped', reason)]);
      metrics?.pipeline.inc({ destination: config.id, outcome: 'dropped', reason }, ids.length);
    }
    for (const [reason, ids] of broken) {
      await Promise.all([store.deadLetter(ids, reason, this.#o.now()), this.#log(logged(ids), 'dead_lettered', reason)]);
      metrics?.delivered.inc({ destination: config.id, outcome: 'dead_lettered' }, ids.length);
    }
    return items;
  }

  /** Adds entries to the delivery log (`palisade dlq log`); a failure to log never blocks delivery. */
  async #log(eventIds: string[], outcome: DeliveryRecord['outcome'], detail: string | ((i: number) => string)): Promise<void> {
    const { store, log } = this.#o;
    const destinationId = this.#o.destination.config.id;
    const at = this.#o.now();
    try {
      await store.recordDeliveries(eventIds.map((eventId, i) => ({ destinationId, eventId, at, outcome, detail: typeof detail === 'string' ? detail : detail(i) })));
    } catch (error) {
      log.warn({ destination: destinationId, err: { message: (error as Error).message } }, 'could not write the delivery log');
    }
  }

  /**
   * Sends the claimed rows as vendor requests, `delivery.concurrency` at a time. Returns how long
   * to pause before the next claim (circuit open after a retryable failure), 0 to go on.
   */
  async #deliverAll(rows: OutboxRow[]): Promise<number> {
    const items = await this.#prepare(rows);
    const batches = planBatches(items, this.#maxEvents, this.#o.destination.connector.limits.maxBytes);
    let next = 0;
    let failure: Retry | undefined;
    const lane = async () => {
      while (next < batches.length && this.#running && failure === undefined) {
        const batch = batches[next++]!;
        await this.#respectRateLimit();
        const outcome = await this.#deliver(batch);
        // The vendor is failing: no lane takes another batch; the rest go back untouched.
        if (outcome !== undefined) failure ??= outcome;
      }
    };
    const delivery = this.#o.destination.config.delivery;
    const lanes = Math.min(delivery.concurrency, batches.length);
    await Promise.all(Array.from({ length: lanes }, lane));
    if (next < batches.length)
      await this.#o.store.release(
        batches
          .slice(next)
          .flat()
          .map((i) => i.row.id),
      );
    if (failure === undefined) {
      this.#consecutiveFailures = 0;
      return 0;
    }
    this.#consecutiveFailures++;
    return Math.max(this.#retryAfter(failure), Math.min(delivery.probeIntervalMs, backoffDelay(this.#consecutiveFailures, this.#o.backoff, this.#o.random)));
  }

  /** The vendor's Retry-After, within the destination's cap. */
  #retryAfter(outcome: Retry): number {
    return Math.min(outcome.retryAfterMs ?? 0, this.#o.destination.config.delivery.maxRetryAfterMs);
  }

  /** Spaces request starts by 1/ratePerSecond, across concurrent lanes. */
  async #respectRateLimit(): Promise<void> {
    const rate = this.#o.destination.config.delivery.ratePerSecond;
    if (rate === undefined) return;
    const now = this.#o.now();
    const slot = Math.max(now, this.#nextRequestAt);
    this.#nextRequestAt = slot + 1000 / rate;
    if (slot > now) await new Promise((r) => setTimeout(r, slot - now));
  }

  /**
   * Delivers one batch and settles each of its rows. Returns the failure when the vendor as a
   * whole is failing (every event of the batch must wait), which opens the circuit.
   */
  async #deliver(batch: Item[]): Promise<Retry | undefined> {
    const outcome = await this.#attempt(batch.map((i) => i.payload));
    if (outcome.kind === 'split') {
      if (batch.length === 1) return this.#settle(batch, { kind: 'abort', reason: outcome.reason });
      // The vendor refused the batch for some event in it: the halves go separately until the
      // event it refuses is alone.
      const half = Math.ceil(batch.length / 2);
      const [head, tail] = [batch.slice(0, half), batch.slice(half)];
      const first = await this.#deliverHalf(head);
      if (first !== undefined) {
        // The vendor is failing or the worker is stopping: the other half waits too.
        if (this.#running) await this.#settle(tail, first);
        else await this.#o.store.release(tail.map((i) => i.row.id));
        return first;
      }
      return this.#deliverHalf(tail);
    }
    if (outcome.kind !== 'per-event') return this.#settle(batch, outcome);
    if (outcome.outcomes.length !== batch.length) {
      return this.#settle(batch, { kind: 'retry', reason: `vendor answered for ${outcome.outcomes.length} of ${batch.length} events` });
    }
    // Per-event verdicts: rows with the same verdict are settled together.
    const groups = new Map<string, { outcome: Outcome; items: Item[] }>();
    outcome.outcomes.forEach((o, i) => {
      const key = o.kind === 'ok' ? 'ok' : `${o.kind}\u0000${o.reason}`;
      const group = groups.get(key) ?? { outcome: o, items: [] };
      group.items.push(batch[i]!);
      groups.set(key, group);
    });
    let failure: Retry | undefined;
    for (const group of groups.values()) await this.#settle(group.items, group.outcome);
    // Only a vendor that failed every event counts as failing.
    if (outcome.outcomes.every((o) => o.kind === 'retry')) failure = outcome.outcomes[0] as Retry;
    return failure;
  }

  /** A half of a split batch: a request like any other (rate limit), not sent once stopping. */
  async #deliverHalf(items: Item[]): Promise<Retry | undefined> {
    if (!this.#running) {
      await this.#o.store.release(items.map((i) => i.row.id));
      return { kind: 'retry', reason: 'stopping' };
    }
    await this.#respectRateLimit();
    return this.#deliver(items);
  }

  /** One attempt at a batch: a vendor request (with credentials when the connector needs them), or a sink write. */
  async #attempt(payloads: unknown[]): Promise<BatchOutcome> {
    const { destination, metrics } = this.#o;
    const { connector, settings, config } = destination;
    const now = new Date(this.#o.now());
    if (connector.kind === 'sink') {
      try {
        this.#client ??= connector.open(settings);
        return await connector.write(await this.#client, payloads, { now });
      } catch (error) {
        // The client may be broken: closed, and opened again on the next attempt.
        const broken = this.#client;
        this.#client = undefined;
        await broken?.then((client) => connector.close(client)).catch(() => undefined);
        return { kind: 'retry', reason: `sink: ${errorLabel(error)}` };
      }
    }
    const started = performance.now();
    try {
      let credentials = connector.auth ? await this.#currentCredentials(false) : undefined;
      let response = await this.#o.send(connector.buildRequest(payloads, settings, { now, ...(credentials ? { credentials } : {}) }), config.delivery.timeoutMs);
      if (response.status === 401 && connector.auth) {
        // Revoked or expired early: fetch credentials again, once.
        credentials = await this.#currentCredentials(true);
        response = await this.#o.send(connector.buildRequest(payloads, settings, { now, credentials }), config.delivery.timeoutMs);
      }
      metrics?.requests.inc({ destination: config.id, status: String(response.status) });
      return connector.classify(response, payloads);
    } catch (error) {
      metrics?.requests.inc({ destination: config.id, status: error instanceof AuthFailure ? 'auth' : 'network' });
      if (error instanceof AuthFailure) return { kind: 'retry', reason: error.message };
      return { kind: 'retry', reason: error instanceof NetworkError ? error.message : 'network: request failed' };
    } finally {
      metrics?.requestSeconds.observe({ destination: config.id }, (performance.now() - started) / 1000);
    }
  }

  /** Cached credentials, fetched again a minute before they expire or when `force`d. */
  async #currentCredentials(force: boolean): Promise<Credentials> {
    const { connector, settings, config } = this.#o.destination;
    const now = this.#o.now();
    if (!force && this.#credentials !== undefined && now < this.#credentials.expiresAt - CREDENTIALS_MARGIN_MS) return this.#credentials;
    if (connector.kind !== 'http' || connector.auth === undefined) throw new AuthFailure('auth: the connector has no auth hook');
    // Concurrent lanes share one request for credentials.
    const auth = connector.auth;
    this.#obtaining ??= auth
      .obtain(settings, { send: this.#o.send, now, timeoutMs: config.delivery.timeoutMs })
      .then((credentials) => {
        this.#credentials = credentials;
        return credentials;
      })
      .catch((error: Error) => {
        this.#credentials = undefined;
        throw new AuthFailure(`auth: ${error.message.slice(0, 200)}`);
      })
      .finally(() => {
        this.#obtaining = undefined;
      });
    return this.#obtaining;
  }

  /** Acts on one verdict for these rows. Returns the failure when they must wait for the vendor. */
  async #settle(items: Item[], outcome: Outcome): Promise<Retry | undefined> {
    const { store, log, metrics } = this.#o;
    const destination = this.#o.destination.config;
    const ids = items.map((i) => i.row.id);
    const now = this.#o.now();
    const eventIds = items.map((i) => i.row.eventId);
    if (outcome.kind === 'ok') {
      await Promise.all([store.ack(ids), this.#log(eventIds, 'delivered', (i) => items[i]!.decision ?? 'sent')]);
      metrics?.delivered.inc({ destination: destination.id, outcome: 'delivered' }, items.length);
      // One line per vendor request (not per event): what an operator watches to see delivery work.
      log.info({ destination: destination.id, vendor: destination.type, events: items.length, outcome: 'delivered' }, 'delivered');
      return undefined;
    }
    if (outcome.kind === 'abort') {
      await Promise.all([store.deadLetter(ids, outcome.reason, now), this.#log(eventIds, 'dead_lettered', outcome.reason)]);
      metrics?.delivered.inc({ destination: destination.id, outcome: 'dead_lettered' }, items.length);
      log.warn(
        { destination: destination.id, vendor: destination.type, events: items.length, outcome: 'dead_lettered', reason: outcome.reason },
        'vendor refused events; moved to dead letters',
      );
      return undefined;
    }
    const { maxAttempts, maxAgeHours } = destination.delivery;
    const rows = items.map((i) => i.row);
    const exhausted = rows.filter((r) => r.attempts + 1 >= maxAttempts && now - (r.firstAttemptAt ?? now) >= maxAgeHours * HOUR);
    const again = rows.filter((r) => !exhausted.includes(r));
    if (exhausted.length > 0) {
      const reason = `${outcome.reason} (gave up after ${exhausted[0]!.attempts + 1} attempts)`;
      const dead = exhausted.map((r) => r.id);
      await Promise.all([
        store.deadLetter(dead, reason, now),
        this.#log(
          exhausted.map((r) => r.eventId),
          'dead_lettered',
          reason,
        ),
      ]);
      metrics?.delivered.inc({ destination: destination.id, outcome: 'dead_lettered' }, exhausted.length);
    }
    if (again.length > 0) {
      const attempts = Math.max(...again.map((r) => r.attempts)) + 1;
      const delay = Math.max(this.#retryAfter(outcome), backoffDelay(attempts, this.#o.backoff, this.#o.random));
      await store.reschedule(
        again.map((r) => r.id),
        now + delay,
        outcome.reason,
        now,
      );
      metrics?.delivered.inc({ destination: destination.id, outcome: 'retried' }, again.length);
    }
    log.warn({ destination: destination.id, vendor: destination.type, events: items.length, outcome: 'retry', reason: outcome.reason }, 'delivery failed; will retry');
    return outcome;
  }
}

/**
 * A client library's error as a reason that is safe to store and log: its code or name, never its
 * message (databases echo the values they refused).
 */
function errorLabel(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^[\w.-]{1,40}$/.test(code)) return code;
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' && /^\w{1,40}$/.test(name) ? name : 'error';
}

/** Credentials could not be obtained: retried like a network failure. */
class AuthFailure extends Error {}
