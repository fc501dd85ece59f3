/**
 * The relay's Store: the SQLite store running on its own thread (sqlite-worker-entry), reached by
 * messages. Store methods are forwarded as they are by a Proxy (FORWARDED: the compiler checks it
 * names every Store method); the two that carry payloads are written out, because payload JSON is
 * produced and parsed on this side and encryption and I/O happen there.
 */
import { Worker } from 'node:worker_threads';
import { parseClaimed } from './parse-claimed.js';
import type { ClaimedJsonRow, SqliteStore } from './sqlite-store.js';
import type { NewOutboxRow, OutboxRow, Store } from './store.js';

/** Methods of the SQLite store the other side may call: the Store's, and the JSON variants. */
export type ForwardedMethod = Exclude<keyof Store, 'enqueue' | 'claim'> | 'enqueueJson' | 'claimJson';

/**
 * The Store methods forwarded as they are. The compiler checks the list is complete: a new Store
 * method that is not named here (or written out below) is a type error, not a silent gap.
 */
const FORWARDED = [
  'ack',
  'reschedule',
  'release',
  'deadLetter',
  'reviveRetries',
  'nextDueAt',
  'stats',
  'listDeadLetters',
  'replayDeadLetters',
  'recordTrackers',
  'listTrackers',
  'recordConfigVersion',
  'listConfigVersions',
  'recordDeliveries',
  'listDeliveries',
  'ping',
] as const satisfies ReadonlyArray<keyof Store>;
type Unforwarded = Exclude<keyof Store, (typeof FORWARDED)[number] | 'enqueue' | 'claim' | 'close'>;
const complete: [Unforwarded] extends [never] ? true : Unforwarded = true;
void complete;
const FORWARDED_NAMES: ReadonlySet<string> = new Set(FORWARDED);

export interface StoreCall {
  id: number;
  method: ForwardedMethod & keyof SqliteStore;
  args: unknown[];
}

export type StoreReply = { id: number; ok: true; value?: unknown } | { id: number; ok: false; error: string };

export interface WorkerStoreOptions {
  path: string;
  dataKey: Buffer;
  /** The compiled worker entry; tests running from sources point at the build. */
  entry?: URL;
}

/** Every Store method not written out below is forwarded by the Proxy the constructor returns. */
export interface WorkerStore extends Omit<Store, 'enqueue' | 'claim' | 'close'> {}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merged methods exist: the Proxy forwards them to the store thread.
export class WorkerStore {
  readonly #worker: Worker;
  readonly #calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #next = 1;
  #pending: StoreCall[] = [];
  #failure: Error | undefined;
  /** The Proxy callers hold: the full Store, for code here that needs a forwarded method. */
  #self!: Store;

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
    // Store methods this class does not define go to the store thread under their own name; its
    // own methods run on the instance itself (private fields do not pass through a Proxy), and any
    // other name is what it is on the instance (usually undefined).
    const proxy = new Proxy(this, {
      get(target, property) {
        if (typeof property === 'string' && FORWARDED_NAMES.has(property)) {
          return (...args: unknown[]) => target.#call(property as ForwardedMethod, ...args);
        }
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    this.#self = proxy;
    // biome-ignore lint/correctness/noConstructorReturn: callers hold the Proxy, which is the full Store.
    return proxy;
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

  #call<T>(method: ForwardedMethod, ...args: unknown[]): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#calls.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#pending.push({ id, method: method as StoreCall['method'], args });
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
    return this.#call(
      'enqueueJson',
      rows.map((r) => ({ destinationId: r.destinationId, eventId: r.eventId, batchKey: r.batchKey, json: JSON.stringify(r.payload) })),
    );
  }

  async claim(destinationId: string, limit: number, now: number, leaseMs: number): Promise<OutboxRow[]> {
    return parseClaimed(this.#self, await this.#call<ClaimedJsonRow[]>('claimJson', destinationId, limit, now, leaseMs), now);
  }

  async close(): Promise<void> {
    if (!this.#failure) await this.#call('close');
    await this.#worker.terminate();
  }
}
