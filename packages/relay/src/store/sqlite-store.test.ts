import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PayloadCipher } from './payload-cipher.js';
import { SqliteStore } from './sqlite-store.js';
import { fileHarness, storeContract } from './store.contract.js';

const cipher = new PayloadCipher(Buffer.alloc(32, 3));

storeContract('SQLite', () => fileHarness(async (path) => new SqliteStore({ path, cipher })));

describe('SqliteStore', () => {
  it('releases leases left by a crashed process when it opens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-store-'));
    const path = join(dir, 'p.db');
    const first = new SqliteStore({ path, cipher });
    await first.enqueue([{ destinationId: 'd', eventId: 'e', batchKey: '', payload: 1 }]);
    expect(await first.claim('d', 10, Date.now(), 3_600_000)).toHaveLength(1);
    await first.close();
    const second = new SqliteStore({ path, cipher });
    expect(await second.claim('d', 10, Date.now(), 1000)).toHaveLength(1);
    await second.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a payload sealed for another row', () => {
    const sealed = cipher.encrypt('{"a":1}', 'd\u0000e1');
    expect(() => cipher.decrypt(sealed, 'd\u0000e2')).toThrow();
    expect(cipher.decrypt(sealed, 'd\u0000e1')).toBe('{"a":1}');
  });
});
