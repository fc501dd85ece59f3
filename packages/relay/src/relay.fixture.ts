/** Test helpers: a valid config and a relay started on a free port with a temp data directory. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { PalisadeConfigInput } from '@palisade/schema';
import { configSchema } from './config/config-schema.js';
import { createLogger } from './log.js';
import { startRelay, type Relay, type RelayOptions } from './relay.js';

export const MASKING_KEY = Buffer.alloc(32, 0x5a);
export const DATA_KEY = Buffer.alloc(32, 0x3c);
export const WRITE_KEY = 'pk_test_0123456789';
export const METRICS_TOKEN = 'test-metrics-token-0123456789';
/** The store thread runs compiled code; `npm test` builds before testing. */
export const BUILT_STORE_ENTRY = new URL('../dist/store/sqlite-worker-entry.js', import.meta.url);

export function testConfig(ga4Endpoint = 'http://127.0.0.1:9/ga4', webhookUrl = 'http://127.0.0.1:9/webhook/t'): PalisadeConfigInput {
  return {
    environments: { production: { writeKey: WRITE_KEY, allowedOrigins: ['https://clinic.example'] } },
    masking: { key: 'env:PALISADE_MASKING_KEY' },
    destinations: [
      {
        id: 'ga4-main',
        type: 'ga4',
        settings: { measurementId: 'G-TEST1234', apiSecret: 'env:GA4_API_SECRET', endpoint: ga4Endpoint },
        allow: {
          production: {
            events: ['Appointment Booked', '$pageview', '$identify', '$group'],
            eventProperties: { service_line: 'allow', email: 'mask' },
            userProperties: { plan: 'allow' },
            groupProperties: { clinic_type: 'allow' },
          },
        },
        delivery: { retryBaseMs: 20, retryMaxMs: 200, maxAttempts: 3, maxAgeHours: 0.0001, timeoutMs: 2000 },
      },
      {
        id: 'hook',
        type: 'webhook',
        consent: 'none',
        settings: { url: webhookUrl, secret: 'env:WEBHOOK_SECRET' },
        allow: { production: { events: ['Appointment Booked'], eventProperties: { service_line: 'allow' } } },
        delivery: { retryBaseMs: 20, retryMaxMs: 200, timeoutMs: 2000 },
      },
    ],
  };
}

export interface TestRelay extends Relay {
  logs: () => string;
  dataDir: string;
}

export async function startTestRelay(config = testConfig(), overrides: Partial<RelayOptions> = {}): Promise<TestRelay> {
  const dataDir = mkdtempSync(join(tmpdir(), 'palisade-relay-'));
  let logs = '';
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs += chunk.toString();
      done();
    },
  });
  const relay = await startRelay({
    config: configSchema.parse(config),
    maskingKey: MASKING_KEY,
    settings: { 'ga4-main': { ...config.destinations![0]!.settings, apiSecret: 'ga4-secret' }, hook: { ...config.destinations![1]!.settings, secret: 'whsec' } },
    dataKey: DATA_KEY,
    dataDir,
    port: 0,
    logger: createLogger({ level: 'debug', destination: sink }),
    pollMs: 50,
    storeEntry: BUILT_STORE_ENTRY,
    metricsToken: METRICS_TOKEN,
    ...overrides,
  });
  return {
    ...relay,
    dataDir,
    logs: () => logs,
    async stop() {
      await relay.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
