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
import type { DestinationConfig } from '@palisade/schema';
import type { Connector, Outcome } from '../destinations/connector.js';
import type { OutboxRow, Store } from '../store/store.js';
import type { Logger } from '../log.js';
import type { RelayMetrics } from '../metrics.js';
import { backoffDelay, type BackoffPolicy } from './backoff.js';
import { planBatches } from './batches.js';
import { httpSend, NetworkError, type Send } from './http-send.js';

export interface WorkerOptions {
  destination: DestinationConfig;
  connector: Connector<any, any>;
  /** Settings with secret references resolved. */
  settings: unknown;
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

const HOUR = 3_600_000;

export class DeliveryWorker {
  readonly #o: Required<Omit<WorkerOptions, 'metrics'>> & Pick<WorkerOptions, 'metrics'>;
  readonly #maxEvents: number;
  #running = false;
  #loop: Promise<void> | undefined;
  /** Ends the current sleep; `wake()` uses it only while idle, `stop()` always. */
  #interrupt: (() => void) | undefined;
  #wakeable = false;
  #consecutiveFailures = 0;
  #nextRequestAt = 0;

  constructor(options: WorkerOptions) {
    this.#o = { pollMs: 1000, claimLimit: 500, send: httpSend, now: Date.now, random: Math.random, ...options };
    const { connector, destination } = options;
    this.#maxEvents = Math.min(connector.limits.maxEvents, destination.delivery.batchSize ?? Infinity);
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
    const { store, destination, log } = this.#o;
    while (this.#running) {
      try {
        // After a failure, probe with one request's worth before taking the whole backlog again.
        const limit = this.#consecutiveFailures > 0 ? this.#maxEvents : this.#o.claimLimit;
        let rows = await store.claim(destination.id, limit, this.#o.now(), destination.delivery.timeoutMs + 30_000);
        if (rows.length === 0 && this.#consecutiveFailures > 0 && await store.reviveRetries(destination.id, this.#o.now(), this.#maxEvents) > 0) {
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
    const due = await this.#o.store.nextDueAt(this.#o.destination.id);
    if (due === null) return this.#o.pollMs;
    return Math.max(10, Math.min(this.#o.pollMs, due - this.#o.now()));
  }

  /**
   * Sends the claimed rows as vendor requests, `delivery.concurrency` at a time. Returns how long
   * to pause before the next claim (circuit open after a retryable failure), 0 to go on.
   */
  async #deliverAll(rows: OutboxRow[]): Promise<number> {
    const batches = planBatches(rows, this.#maxEvents, this.#o.connector.limits.maxBytes);
    let next = 0;
    let failure: Extract<Outcome, { kind: 'retry' }> | undefined;
    const lane = async () => {
      while (next < batches.length && this.#running && failure === undefined) {
        const batch = batches[next++]!;
        await this.#respectRateLimit();
        const outcome = await this.#deliver(batch);
        // The vendor is failing: no lane takes another batch; the rest go back untouched.
        if (outcome.kind === 'retry') failure ??= outcome;
      }
    };
    const lanes = Math.min(this.#o.destination.delivery.concurrency, batches.length);
    await Promise.all(Array.from({ length: lanes }, lane));
    if (next < batches.length) await this.#o.store.release(batches.slice(next).flat().map((r) => r.id));
    if (failure === undefined) {
      this.#consecutiveFailures = 0;
      return 0;
    }
    this.#consecutiveFailures++;
    const { probeIntervalMs } = this.#o.destination.delivery;
    return Math.max(this.#retryAfter(failure), Math.min(probeIntervalMs, backoffDelay(this.#consecutiveFailures, this.#o.backoff, this.#o.random)));
  }

  /** The vendor's Retry-After, within the destination's cap. */
  #retryAfter(outcome: Extract<Outcome, { kind: 'retry' }>): number {
    return Math.min(outcome.retryAfterMs ?? 0, this.#o.destination.delivery.maxRetryAfterMs);
  }

  /** Spaces request starts by 1/ratePerSecond, across concurrent lanes. */
  async #respectRateLimit(): Promise<void> {
    const rate = this.#o.destination.delivery.ratePerSecond;
    if (rate === undefined) return;
    const now = this.#o.now();
    const slot = Math.max(now, this.#nextRequestAt);
    this.#nextRequestAt = slot + 1000 / rate;
    if (slot > now) await new Promise((r) => setTimeout(r, slot - now));
  }

  async #deliver(batch: OutboxRow[]): Promise<Outcome> {
    const { connector, destination, store, log, metrics } = this.#o;
    const ids = batch.map((r) => r.id);
    const request = connector.buildRequest(batch.map((r) => r.payload), this.#o.settings, new Date(this.#o.now()));
    let outcome: Outcome;
    const started = performance.now();
    try {
      const response = await this.#o.send(request, destination.delivery.timeoutMs);
      outcome = connector.classify(response);
      metrics?.requests.inc({ destination: destination.id, status: String(response.status) });
    } catch (error) {
      outcome = { kind: 'retry', reason: error instanceof NetworkError ? error.message : 'network: request failed' };
      metrics?.requests.inc({ destination: destination.id, status: 'network' });
    }
    metrics?.requestSeconds.observe({ destination: destination.id }, (performance.now() - started) / 1000);
    const now = this.#o.now();
    if (outcome.kind === 'ok') {
      await store.ack(ids);
      metrics?.delivered.inc({ destination: destination.id, outcome: 'delivered' }, batch.length);
      log.debug({ destination: destination.id, events: batch.length }, 'delivered');
      return outcome;
    }
    if (outcome.kind === 'abort') {
      await store.deadLetter(ids, outcome.reason, now);
      metrics?.delivered.inc({ destination: destination.id, outcome: 'dead_lettered' }, batch.length);
      log.warn({ destination: destination.id, events: batch.length, reason: outcome.reason }, 'vendor refused events; moved to dead letters');
      return outcome;
    }
    const { maxAttempts, maxAgeHours } = destination.delivery;
    const exhausted = batch.filter((r) => r.attempts + 1 >= maxAttempts && now - (r.firstAttemptAt ?? now) >= maxAgeHours * HOUR);
    const again = batch.filter((r) => !exhausted.includes(r));
    if (exhausted.length > 0) {
      await store.deadLetter(exhausted.map((r) => r.id), `${outcome.reason} (gave up after ${exhausted[0]!.attempts + 1} attempts)`, now);
      metrics?.delivered.inc({ destination: destination.id, outcome: 'dead_lettered' }, exhausted.length);
    }
    if (again.length > 0) {
      const attempts = Math.max(...again.map((r) => r.attempts)) + 1;
      const delay = Math.max(this.#retryAfter(outcome), backoffDelay(attempts, this.#o.backoff, this.#o.random));
      await store.reschedule(again.map((r) => r.id), now + delay, outcome.reason, now);
      metrics?.delivered.inc({ destination: destination.id, outcome: 'retried' }, again.length);
    }
    log.warn({ destination: destination.id, events: batch.length, reason: outcome.reason }, 'delivery failed; will retry');
    return outcome;
  }
}
