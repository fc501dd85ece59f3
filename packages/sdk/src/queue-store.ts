/**
 * Where events wait until the relay acknowledges them: one IndexedDB object store, shared by the
 * site's tabs and surviving reloads; memory when IndexedDB is unavailable. Written by hand (the
 * three operations the queue needs, one transaction each) because a key-value library cost the
 * script tag more bytes than the guard's whole worker layer. The database and store names are
 * those the SDK always used, so events queued by an earlier version are still sent.
 */
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
    remove: async (ids) => {
      for (const id of ids) items.delete(id);
    },
  };
}

const DB = 'palisade';
const STORE = 'queue';

/** Resolves once the request (or transaction) completes, rejects when it fails or aborts. */
function settled<T>(target: IDBRequest<T> | IDBTransaction, result: () => T): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = target as IDBRequest<T> & IDBTransaction;
    t.onsuccess = t.oncomplete = () => resolve(result());
    t.onerror = t.onabort = () => reject(t.error);
  });
}

/**
 * IndexedDB, opened on first use, falling back to memory for good at the first failure (private
 * modes, quotas, a database closed under us). Opening a database can block a page for tens of
 * milliseconds the first time, so nothing opens it before an event exists.
 */
export function durableStore(): QueueStore {
  const fallback = memoryStore();
  if (typeof indexedDB === 'undefined') return fallback;
  let db: Promise<IDBDatabase> | undefined;
  let broken = false;
  /** One transaction on the queue; resolves with `op`'s request result when it has committed. */
  const run = <T>(mode: IDBTransactionMode, op: (store: IDBObjectStore) => IDBRequest<T> | undefined, degraded: () => Promise<T>): Promise<T> => {
    if (broken) return degraded();
    if (!db) {
      const open = indexedDB.open(DB);
      open.onupgradeneeded = () => open.result.createObjectStore(STORE);
      db = settled(open, () => open.result);
    }
    return db
      .then((d) => {
        const tx = d.transaction(STORE, mode);
        const request = op(tx.objectStore(STORE));
        return settled(tx, () => request?.result as T);
      })
      .catch(() => {
        broken = true;
        return degraded();
      });
  };
  return {
    put: (m) =>
      run(
        'readwrite',
        (s) => void s.put(m, m.messageId),
        () => fallback.put(m),
      ),
    all: () =>
      run(
        'readonly',
        (s) => s.getAll(),
        () => fallback.all(),
      ),
    remove: (ids) =>
      run(
        'readwrite',
        (s) => {
          for (const id of ids) s.delete(id);
          return undefined;
        },
        () => fallback.remove(ids),
      ),
  };
}
