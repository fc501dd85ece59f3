/**
 * The relay's Store: the SQLite store running on its own thread (sqlite-worker-entry), reached by
 * messages. Payload JSON is produced and parsed on this side; encryption and I/O happen there.
 */
import { Worker } from 'node:worker_threads';
import { parseClaimed } from './parse-claimed.js';
import type { ClaimedJsonRow, SqliteStore } from './sqlite-store.js';
import type { DeadLetter, NewOutboxRow, OutboxRow, Store, StoreStats, TrackerRecord, TrackerSighting } from './store.js';

type Method = 'enqueueJson' | 'claimJson' | 'ack' | 'reschedule' | 'release' | 'deadLetter' | 'listDeadLetters' | 'replayDeadLetters' | 'reviveRetries' | 'nextDueAt' | 'stats' | 'recordTrackers' | 'listTrackers' | 'ping' | 'close';

export interface StoreCall {
  id: number;
  method: Method & keyof SqliteStore;
  args: unknown[];
}

export type StoreReply = { id: number; ok: true; value?: unknown } | { id: number; ok: false; error: string };

export interface WorkerStoreOptions {
  path: string;
  dataKey: Buffer;
  /** The compiled worker entry; tests running from sources point at the build. */
  entry?: URL;
}

export class WorkerStore implements Store {
  readonly #worker: Worker;
  readonly #calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #next = 1;
  #pending: StoreCall[] = [];
  #failure: Error | undefined;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (replies: StoreReply[]) => {
      for (const reply of replies) {
        const call = this.#calls.get(reply.id);
        if (!call) continue;
        this.#calls.delete(reply.id);
        if (reply.ok) call.resolve(reply.value);
        else call.reject(new Error(reply.error));
      }
    });
    const fail = (error: Error) => {
      this.#failure = error;
      for (const call of this.#calls.values()) call.reject(error);
      this.#calls.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the store thread exited (${code})`)));
  }

  static open(options: WorkerStoreOptions): Promise<WorkerStore> {
    const entry = options.entry ?? new URL('./sqlite-worker-entry.js', import.meta.url);
    const worker = new Worker(entry, { workerData: { path: options.path, dataKey: new Uint8Array(options.dataKey) } });
    return new Promise((resolve, reject) => {
      worker.once('message', ([reply]: StoreReply[]) => {
        if (reply?.ok) resolve(new WorkerStore(worker));
        else reject(new Error(`cannot open the store: ${reply?.ok === false ? reply.error : 'no answer'}`));
      });
      worker.once('error', reject);
    });
  }

  #call<T>(method: StoreCall['method'], ...args: unknown[]): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#calls.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#pending.push({ id, method, args });
      if (this.#pending.length === 1) queueMicrotask(() => this.#post());
    });
  }

  /**
   * One message carries every call made before the next microtask checkpoint: the calls of one
   * request travel together without waiting for another event-loop turn.
   */
  #post(): void {
    const calls = this.#pending;
    this.#pending = [];
    if (this.#failure) return;
    this.#worker.postMessage(calls);
  }

  enqueue(rows: NewOutboxRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return this.#call('enqueueJson', rows.map((r) => ({ destinationId: r.destinationId, eventId: r.eventId, batchKey: r.batchKey, json: JSON.stringify(r.payload) })));
  }

  async claim(destinationId: string, limit: number, now: number, leaseMs: number): Promise<OutboxRow[]> {
    return parseClaimed(this, await this.#call<ClaimedJsonRow[]>('claimJson', destinationId, limit, now, leaseMs), now);
  }

  ack(ids: number[]): Promise<void> {
    return this.#call('ack', ids);
  }

  reschedule(ids: number[], nextAttemptAt: number, error: string, now: number): Promise<void> {
    return this.#call('reschedule', ids, nextAttemptAt, error, now);
  }

  release(ids: number[]): Promise<void> {
    return this.#call('release', ids);
  }

  deadLetter(ids: number[], reason: string, now: number): Promise<void> {
    return this.#call('deadLetter', ids, reason, now);
  }

  listDeadLetters(filter?: { destinationId?: string; limit?: number }): Promise<DeadLetter[]> {
    return this.#call('listDeadLetters', filter);
  }

  replayDeadLetters(filter: { destinationId?: string; ids?: number[] }, now: number): Promise<number> {
    return this.#call('replayDeadLetters', filter, now);
  }

  reviveRetries(destinationId: string, now: number, limit?: number): Promise<number> {
    return this.#call('reviveRetries', destinationId, now, limit);
  }

  nextDueAt(destinationId: string): Promise<number | null> {
    return this.#call('nextDueAt', destinationId);
  }

  stats(): Promise<StoreStats> {
    return this.#call('stats');
  }

  recordTrackers(sightings: TrackerSighting[], now: number): Promise<void> {
    return this.#call('recordTrackers', sightings, now);
  }

  listTrackers(): Promise<TrackerRecord[]> {
    return this.#call('listTrackers');
  }

  ping(): Promise<void> {
    return this.#call('ping');
  }

  async close(): Promise<void> {
    if (!this.#failure) await this.#call('close');
    await this.#worker.terminate();
  }
}
