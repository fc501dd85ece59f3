/** Reloading a running relay: one failed reload does not stop the next; stop waits for a reload under way. */
import { describe, expect, it } from 'vitest';
import { configSchema } from './config/config-schema.js';
import { MASKING_KEY, startTestRelay, testConfig } from './relay.fixture.js';
import type { LoadedConfig } from './relay.js';

function loaded(config = testConfig()): LoadedConfig {
  const parsed = configSchema.parse(config) as LoadedConfig['config'];
  return {
    config: parsed,
    maskingKey: MASKING_KEY,
    settings: { 'ga4-main': { ...config.destinations![0]!.settings, apiSecret: 's' }, hook: { ...config.destinations![1]!.settings, secret: 's' } },
    sha256: 'f'.repeat(64),
  };
}

describe('config reload', () => {
  it('goes on after a failed reload, and records each loaded config', async () => {
    const relay = await startTestRelay();
    try {
      const broken = loaded();
      // A config that fails to activate (an unknown destination type slipped past validation).
      broken.config = { ...broken.config, destinations: [{ ...broken.config.destinations[0]!, type: 'nope' }] };
      await expect(relay.reload(broken, 'SIGHUP')).rejects.toThrow('unknown destination type nope');
      await relay.reload(loaded(), 'file change');
      const versions = await relay.store.listConfigVersions();
      expect(versions.map((v) => v.source)).toEqual(['file change', 'start']);
      // Ingest runs under the config in force.
      const r = await relay.app.inject({ method: 'GET', url: '/healthz' });
      expect(r.statusCode).toBe(200);
    } finally {
      await relay.stop();
    }
  });

  it('stops cleanly while a reload is under way, and refuses reloads after', async () => {
    const relay = await startTestRelay();
    const pending = relay.reload(loaded(), 'SIGHUP');
    await relay.stop();
    // Either it ran before the stop or the stop refused it: no worker outlives the relay.
    await pending.catch((error: Error) => expect(error.message).toBe('the relay is stopping'));
    await expect(relay.reload(loaded(), 'SIGHUP')).rejects.toThrow('the relay is stopping');
  });
});
