/**
 * Where events wait until the relay acknowledges them: one IndexedDB object store (through
 * idb-keyval, which also reopens a connection the browser closed, as Safari does), shared by the
 * site's tabs and surviving reloads; memory when IndexedDB is unavailable. The database and store
 * names are those the SDK always used, so events queued by an earlier version are still sent.
 */
import { createStore, delMany, set, values, type UseStore } from 'idb-keyval';
import type { WireMessage } from './types.js';

export interface QueueStore {
  put(message: WireMessage): Promise<void>;
  all(): Promise<WireMessage[]>;
  remove(ids: string[]): Promise<void>;
}

export function memoryStore(): QueueStore {
  const items = new Map<string, WireMessage>();
  return {
    put: async (m) => {
      items.set(m.messageId, m);
    },
    all: async () => [...items.values()],
    remove: async (ids) => {
      for (const id of ids) items.delete(id);
    },
  };
}

const DB = 'palisade';
const STORE = 'queue';

/**
 * IndexedDB, opened on first use (opening can block a page for tens of milliseconds the first
 * time, so nothing opens it before an event exists), falling back to memory for good at the
 * first failure (private modes, quotas).
 */
export function durableStore(): QueueStore {
  const fallback = memoryStore();
  if (typeof indexedDB === 'undefined') return fallback;
  let store: UseStore | undefined;
  let broken = false;
  const run = async <T>(op: (s: UseStore) => Promise<T>, degraded: () => Promise<T>): Promise<T> => {
    if (broken) return degraded();
    try {
      store ??= createStore(DB, STORE);
      return await op(store);
    } catch {
      broken = true;
      return degraded();
    }
  };
  return {
    put: (m) =>
      run(
        (s) => set(m.messageId, m, s),
        () => fallback.put(m),
      ),
    all: () =>
      run(
        (s) => values<WireMessage>(s),
        () => fallback.all(),
      ),
    remove: (ids) =>
      run(
        (s) => delMany(ids, s),
        () => fallback.remove(ids),
      ),
  };
}
