/**
 * Where events wait until the relay acknowledges them: IndexedDB (idb-keyval), shared by the
 * site's tabs and surviving reloads; memory when IndexedDB is unavailable.
 */
import { createStore, delMany, set, values } from 'idb-keyval';
import type { WireMessage } from './types.js';

export interface QueueStore {
  put(message: WireMessage): Promise<void>;
  all(): Promise<WireMessage[]>;
  remove(ids: string[]): Promise<void>;
}

export function memoryStore(): QueueStore {
  const items = new Map<string, WireMessage>();
  return {
    put: async (m) => void items.set(m.messageId, m),
    all: async () => [...items.values()],
    remove: async (ids) => ids.forEach((id) => items.delete(id)),
  };
}

/**
 * IndexedDB, opened on first use, falling back to memory for good at the first failure (private
 * modes, quotas). Opening a database can block a page for tens of milliseconds the first time.
 */
export function durableStore(): QueueStore {
  const fallback = memoryStore();
  if (typeof indexedDB === 'undefined') return fallback;
  let db: ReturnType<typeof createStore> | undefined;
  let broken = false;
  const guard = <T>(op: (store: ReturnType<typeof createStore>) => Promise<T>, degraded: () => Promise<T>) => {
    if (broken) return degraded();
    try {
      db ??= createStore('palisade', 'queue');
    } catch {
      broken = true;
      return degraded();
    }
    return op(db).catch(() => {
      broken = true;
      return degraded();
    });
  };
  return {
    put: (m) => guard((s) => set(m.messageId, m, s), () => fallback.put(m)),
    all: () => guard((s) => values<WireMessage>(s), () => fallback.all()),
    remove: (ids) => guard((s) => delMany(ids, s), () => fallback.remove(ids)),
  };
}
