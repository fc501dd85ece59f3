import { BUILT_STORE_ENTRY } from '../relay.fixture.js';
import { fileHarness, storeContract } from './store.contract.js';
import { WorkerStore } from './worker-store.js';

storeContract('SQLite on its own thread', () => fileHarness((path) => WorkerStore.open({ path, dataKey: Buffer.alloc(32, 4), entry: BUILT_STORE_ENTRY })));

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('the store thread', () => {
  it('forwards Store methods by name and nothing else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-proxy-'));
    const store = await WorkerStore.open({ path: join(dir, 'p.db'), dataKey: Buffer.alloc(32, 4), entry: BUILT_STORE_ENTRY });
    try {
      expect(await store.stats()).toEqual({ outbox: {}, deadLetters: {} });
      // Names that are not Store methods are not forwarded (nor feature-detected as functions).
      expect((store as unknown as Record<string, unknown>).dropEverything).toBeUndefined();
      expect((store as unknown as Record<string, unknown>).toJSON).toBeUndefined();
      // Not a thenable: awaiting the store itself must not call the thread.
      expect(await Promise.resolve(store)).toBe(store);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
