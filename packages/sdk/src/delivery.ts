/**
 * Events leave the queue only after the relay answered. Batches every `flushInterval` ms or at
 * `flushAt` events; exponential backoff with full jitter on failure; waits for `online`. A Web Lock
 * makes the site's tabs take turns, and each turn reads the shared queue afresh, so two tabs never
 * send the same event. When the page is hidden, this tab's unsent events go out with keepalive
 * (the relay acknowledges a resent message id without counting it twice).
 */
import type { QueueStore } from './queue-store.js';
import { chunk, DONE, misconfiguration, REFUSED, RETRY, send } from './transport.js';
import type { WireMessage } from './types.js';

export interface DeliveryOptions {
  url: string;
  writeKey: string;
  store: QueueStore;
  flushAt: number;
  flushInterval: number;
  /** Logs each answer of the relay (`data-debug`). */
  debug?: boolean;
}

export interface Delivery {
  enqueue(message: WireMessage): void;
  /**
   * Sends until the queue is empty or a send fails. A call made while a run is on waits for it
   * and then runs once more, so events queued in between are covered too.
   */
  flush(): Promise<void>;
}

const MAX_BACKOFF_MS = 60_000;

// A closure rather than a class: the script tag's size budget pays for every `this.#field`.
export function delivery({ url, writeKey, store, flushAt, flushInterval, debug = false }: DeliveryOptions): Delivery {
  /** This tab's events not yet known to be delivered, for the page-hide flush. */
  const unsent = new Map<string, WireMessage>();
  const failed = misconfiguration(url);
  let written: Promise<unknown> = Promise.resolve();
  let toWrite: WireMessage[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let running: Promise<void> | undefined;
  let again: Promise<void> | undefined;

  const schedule = (delay: number): void => {
    if (timer !== undefined) {
      if (delay > 0) return;
      clearTimeout(timer);
    }
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, delay);
  };

  /**
   * Sends one batch; false when the relay must be retried. A body the relay refused as a whole is
   * split in halves and each half sent again, down to the one message at fault, before anything
   * is dropped.
   */
  const deliver = async (batch: WireMessage[]): Promise<boolean> => {
    const result = await send(url, writeKey, batch, { debug, failed });
    if (result === RETRY) return false;
    if (result === REFUSED) {
      const half = Math.floor(batch.length / 2);
      return (await deliver(batch.slice(0, half))) && deliver(batch.slice(half));
    }
    const ids = batch.map((m) => m.messageId);
    await store.remove(ids);
    for (const id of ids) unsent.delete(id);
    return true;
  };

  /** One turn: everything in the shared queue, oldest first. False when the relay must be retried. */
  const sendBatches = async (): Promise<boolean> => {
    const queued = (await store.all()).sort((a, b) => (a.timestamp < b.timestamp ? -1 : 1));
    const present = new Set(queued.map((m) => m.messageId));
    for (const id of unsent.keys()) if (!present.has(id)) unsent.delete(id);
    for (let i = 0; i < queued.length; i += flushAt) {
      for (const batch of chunk(queued.slice(i, i + flushAt))) {
        if (!(await deliver(batch))) return false;
      }
    }
    return true;
  };

  const drain = async (): Promise<void> => {
    if (navigator.onLine === false) return;
    await written;
    const locks = (navigator as Navigator & { locks?: LockManager }).locks;
    if (locks ? await locks.request('palisade-flush', sendBatches) : await sendBatches()) failures = 0;
    else schedule(Math.random() * Math.min(MAX_BACKOFF_MS, 1000 * 2 ** ++failures));
  };

  const flush = (): Promise<void> => {
    // One drain at a time; calls during it share one more drain after it.
    if (running) {
      again ??= running.then(() => {
        again = undefined;
        return flush();
      });
      return again;
    }
    running = drain().finally(() => {
      running = undefined;
    });
    return running;
  };

  const sendOnHide = (): void => {
    for (const batch of chunk([...unsent.values()])) {
      // The page may be gone before the answer: the events stay queued until it is seen.
      void send(url, writeKey, batch, { keepalive: true, failed }).then((r) => (r === DONE ? store.remove(batch.map((m) => m.messageId)) : undefined));
    }
  };

  addEventListener('online', () => schedule(0));
  addEventListener('pagehide', sendOnHide);
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && sendOnHide());
  // Events left by an earlier page (relay down, tab closed) go out soon after start-up.
  setTimeout(
    () =>
      void store.all().then(
        (left) => left.length > 0 && schedule(0),
        () => undefined,
      ),
    0,
  );

  return {
    enqueue(message) {
      unsent.set(message.messageId, message);
      toWrite.push(message);
      // Storage happens after the current task: a click handler or page start-up never waits on it.
      if (toWrite.length === 1) {
        written = written
          .then(() => new Promise((r) => setTimeout(r, 0)))
          .then(() => {
            const batch = toWrite;
            toWrite = [];
            return Promise.all(batch.map((m) => store.put(m)));
          })
          .catch(() => undefined);
      }
      schedule(unsent.size >= flushAt ? 0 : flushInterval);
    },
    flush,
  };
}
