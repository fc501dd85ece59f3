import { BUILT_STORE_ENTRY } from '../relay.fixture.js';
import { fileHarness, storeContract } from './store.contract.js';
import { WorkerStore } from './worker-store.js';

storeContract('SQLite on its own thread', () =>
  fileHarness((path) => WorkerStore.open({ path, dataKey: Buffer.alloc(32, 4), entry: BUILT_STORE_ENTRY })));
