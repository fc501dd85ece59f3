/** Shared by the delivery tests: destinations as the relay activates them, and stored events. */
import { configSchema } from '../config/config-schema.js';
import { type ActiveDestination, activateDestinations } from '../destinations/active-destination.js';
import type { OutboundRequest, VendorResponse } from '../destinations/connector.js';
import { createLogger } from '../log.js';
import type { StoredEvent } from '../pipeline/stored-event.js';
import type { Store } from '../store/store.js';
import { DeliveryWorker } from './worker.js';

/** A destination as the relay activates it from config, admitting event `X` in production. */
export function activeDestination(type: string, delivery: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  const config = configSchema.parse({
    environments: { production: { writeKey: 'pk_test_0123456789' } },
    masking: { key: 'env:K' },
    destinations: [
      {
        id: 'd',
        type,
        settings: type === 'webhook' ? { url: 'https://h.example', secret: 'env:S' } : { measurementId: 'G-TEST1234', apiSecret: 'env:S' },
        allow: { production: { events: ['X'], eventProperties: { n: 'allow' } } },
        delivery: { retryBaseMs: 5, retryMaxMs: 20, ...delivery },
        ...extra,
      },
    ],
  });
  const settings = type === 'webhook' ? { url: 'https://h.example', secret: 's' } : { measurementId: 'G-TEST1234', apiSecret: 's', endpoint: 'https://g.example' };
  return activateDestinations(config as never, Buffer.alloc(32, 3), { d: settings })[0]!;
}

/** A stored clean event of visitor `anonymousId`, as ingest writes it. */
export function stored(eventId: string, anonymousId = 'k1:a', properties: Record<string, unknown> = {}): StoredEvent {
  return {
    v: 1,
    env: 'production',
    key: 'X',
    masked: [],
    event: { eventId, type: 'track', event: 'X', anonymousId, timestamp: new Date().toISOString(), properties: properties as never, traits: {}, context: {} },
  };
}

/**
 * Runs a delivery worker for `destination` on `store` until `done` holds (by default: the outbox
 * is empty), then stops it. Fails the test when the worker has not settled within 5 s.
 */
export async function deliverUntil(
  store: Store,
  destination: ActiveDestination,
  send: (request: OutboundRequest) => Promise<VendorResponse>,
  options: { done?: () => Promise<boolean>; backoffMs?: number } = {},
): Promise<void> {
  const done = options.done ?? (async () => Object.keys((await store.stats()).outbox).length === 0);
  const backoff = { baseMs: options.backoffMs ?? 10, maxMs: options.backoffMs ?? 10 };
  const worker = new DeliveryWorker({ destination, store, log: createLogger({ level: 'silent' }), backoff, pollMs: 5, send, random: () => 0.5 });
  worker.start();
  try {
    const end = Date.now() + 5000;
    while (!(await done())) {
      if (Date.now() > end) throw new Error('the delivery worker did not settle');
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    await worker.stop();
  }
}
