/**
 * Events leave the queue only after the relay answered. Batches every `flushInterval` ms or at
 * `flushAt` events; exponential backoff with full jitter on failure; waits for `online`. A Web Lock
 * makes the site's tabs take turns, and each turn reads the shared queue afresh, so two tabs never
 * send the same event. When the page is hidden, this tab's unsent events go out with keepalive
 * (the relay acknowledges a resent message id without counting it twice).
 */
import type { QueueStore } from './queue-store.js';
import { chunk, send } from './transport.js';
import type { WireMessage } from './types.js';

export interface DeliveryOptions {
  url: string;
  writeKey: string;
  store: QueueStore;
  flushAt: number;
  flushInterval: number;
}

const MAX_BACKOFF_MS = 60_000;

export class Delivery {
  readonly #o: DeliveryOptions;
  /** This tab's events not yet known to be delivered, for the page-hide flush. */
  readonly #unsent = new Map<string, WireMessage>();
  #written: Promise<unknown> = Promise.resolve();
  #toWrite: WireMessage[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #failures = 0;
  #running: Promise<void> | undefined;
  #again: Promise<void> | undefined;

  constructor(options: DeliveryOptions) {
    this.#o = options;
    addEventListener('online', () => this.#schedule(0));
    addEventListener('pagehide', () => this.#sendOnHide());
    document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && this.#sendOnHide());
    // Events left by an earlier page (relay down, tab closed) go out soon after start-up.
    setTimeout(() => void options.store.all().then((left) => left.length > 0 && this.#schedule(0), () => undefined), 0);
  }

  enqueue(message: WireMessage): void {
    this.#unsent.set(message.messageId, message);
    this.#toWrite.push(message);
    // Storage happens after the current task: a click handler or page start-up never waits on it.
    if (this.#toWrite.length === 1) {
      this.#written = this.#written.then(() => new Promise((r) => setTimeout(r, 0))).then(() => {
        const batch = this.#toWrite.splice(0);
        return Promise.all(batch.map((m) => this.#o.store.put(m)));
      }).catch(() => undefined);
    }
    this.#schedule(this.#unsent.size >= this.#o.flushAt ? 0 : this.#o.flushInterval);
  }

  #schedule(delay: number): void {
    if (this.#timer !== undefined) {
      if (delay > 0) return;
      clearTimeout(this.#timer);
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, delay);
  }

  /**
   * Sends until the queue is empty or a send fails. A call made while a run is on waits for it
   * and then runs once more, so events queued in between are covered too.
   */
  flush(): Promise<void> {
    if (this.#running) {
      this.#again ??= this.#running.then(() => {
        this.#again = undefined;
        return this.flush();
      });
      return this.#again;
    }
    this.#running = this.#drain().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #drain(): Promise<void> {
    if (navigator.onLine === false) return;
    await this.#written;
    const locks = (navigator as Navigator & { locks?: LockManager }).locks;
    const turn = () => this.#sendBatches();
    const ok = locks ? await locks.request('palisade-flush', turn) : await turn();
    if (ok) {
      this.#failures = 0;
      return;
    }
    this.#failures++;
    this.#schedule(Math.random() * Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.#failures));
  }

  /** One turn: everything in the shared queue, oldest first. False when the relay must be retried. */
  async #sendBatches(): Promise<boolean> {
    const { store, writeKey, url, flushAt } = this.#o;
    const queued = (await store.all()).sort((a, b) => (a.timestamp < b.timestamp ? -1 : 1));
    const present = new Set(queued.map((m) => m.messageId));
    for (const id of this.#unsent.keys()) if (!present.has(id)) this.#unsent.delete(id);
    for (let i = 0; i < queued.length; i += flushAt) {
      for (const batch of chunk(writeKey, queued.slice(i, i + flushAt))) {
        if ((await send(url, writeKey, batch)) === 'retry') return false;
        const ids = batch.map((m) => m.messageId);
        await store.remove(ids);
        ids.forEach((id) => this.#unsent.delete(id));
      }
    }
    return true;
  }

  #sendOnHide(): void {
    const { store, writeKey, url } = this.#o;
    for (const batch of chunk(writeKey, [...this.#unsent.values()])) {
      // The page may be gone before the answer: the events stay queued until it is seen.
      void send(url, writeKey, batch, true).then((r) => {
        if (r === 'done') return store.remove(batch.map((m) => m.messageId));
      });
    }
  }
}
