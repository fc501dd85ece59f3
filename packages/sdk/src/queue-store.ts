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

/** IndexedDB, falling back to memory for good at the first failure (private modes, quotas). */
export function durableStore(): QueueStore {
  const fallback = memoryStore();
  if (typeof indexedDB === 'undefined') return fallback;
  const db = createStore('palisade', 'queue');
  let broken = false;
  const guard = <T>(op: () => Promise<T>, degraded: () => Promise<T>) => (broken ? degraded() : op().catch(() => {
    broken = true;
    return degraded();
  }));
  return {
    put: (m) => guard(() => set(m.messageId, m, db), () => fallback.put(m)),
    all: () => guard(() => values<WireMessage>(db), () => fallback.all()),
    remove: (ids) => guard(() => delMany(ids, db), () => fallback.remove(ids)),
  };
}
