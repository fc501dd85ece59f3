/**
 * The SQLite store's own thread. Encryption, inserts, fsyncs and WAL checkpoints happen here, so
 * the ingest thread never blocks on the disk. Writes that arrive while a commit is on disk share
 * the next one.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PayloadCipher } from './payload-cipher.js';
import { SqliteStore } from './sqlite-store.js';
import type { StoreCall, StoreReply } from './worker-store.js';

const { path, dataKey } = workerData as { path: string; dataKey: Uint8Array };
const port = parentPort!;

let store: SqliteStore;
try {
  store = new SqliteStore({ path, cipher: new PayloadCipher(Buffer.from(dataKey)) });
  port.postMessage([{ id: 0, ok: true }] satisfies StoreReply[]);
} catch (error) {
  port.postMessage([{ id: 0, ok: false, error: (error as Error).message }] satisfies StoreReply[]);
  process.exit(1);
}

/** Replies settled together (one commit resolves many calls) travel in one message. */
let replies: StoreReply[] = [];
function reply(r: StoreReply): void {
  replies.push(r);
  if (replies.length === 1) {
    queueMicrotask(() => {
      const batch = replies;
      replies = [];
      port.postMessage(batch);
    });
  }
}

/** Public methods of the store's class (not Object's, not getters): the only names a call may use. */
const METHODS = new Set(
  Object.getOwnPropertyNames(SqliteStore.prototype).filter(
    (name) => name !== 'constructor' && typeof Object.getOwnPropertyDescriptor(SqliteStore.prototype, name)?.value === 'function',
  ),
);

port.on('message', (calls: StoreCall[]) => {
  for (const call of calls) {
    if (!METHODS.has(call.method)) {
      reply({ id: call.id, ok: false, error: `no store method ${String(call.method)}` });
      continue;
    }
    const method = store[call.method] as (...args: unknown[]) => Promise<unknown>;
    Promise.resolve()
      .then(() => method.apply(store, call.args))
      .then(
        (value) => reply({ id: call.id, ok: true, value }),
        (error: Error) => reply({ id: call.id, ok: false, error: error.message }),
      );
  }
});
