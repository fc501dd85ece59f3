import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_STORE_ENTRY } from '../relay.fixture.js';
import { storeContract } from './store.contract.js';
import { WorkerStore } from './worker-store.js';

storeContract('SQLite on its own thread', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-wstore-'));
  const options = { path: join(dir, 'palisade.db'), dataKey: Buffer.alloc(32, 4), entry: BUILT_STORE_ENTRY };
  let store = await WorkerStore.open(options);
  return {
    get store() {
      return store;
    },
    async rawContents() {
      return Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))));
    },
    async reopen() {
      await store.close();
      store = await WorkerStore.open(options);
      return store;
    },
    async cleanup() {
      await store.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
