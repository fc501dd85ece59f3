/**
 * Connector interface v2 in the delivery worker, with a throw-away connector written here in a
 * few lines (as a new vendor's folder would hold it): per-event outcomes, batch splitting, short-
 * lived credentials, a sink that is not HTTP, and today's policy applied to queued and replayed
 * events.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildConfigSchema, secret, secretFields } from '@palisade/schema';
import { settingsSchemas } from '../destinations/registry.js';
import { connectorContract } from '../destinations/connector.contract.js';
import type { BatchOutcome, HttpConnector, OutboundRequest, SinkConnector, VendorResponse } from '../destinations/connector.js';
import { mergeMapping } from '../destinations/mapping.js';
import type { ActiveDestination } from '../destinations/active-destination.js';
import { createLogger } from '../log.js';
import { PayloadCipher } from '../store/payload-cipher.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { activeDestination, deliverUntil, stored } from './delivery.fixture.js';
import { DeliveryWorker } from './worker.js';

const log = createLogger({ level: 'silent' });

/** A whole vendor: settings, default mapping, format, request, and a per-event classifier. */
const tinySettings = z.strictObject({ url: z.string(), token: secret() });
const tiny: HttpConnector<z.output<typeof tinySettings>, { name: string; n?: unknown; id: string }> = {
  kind: 'http',
  type: 'tiny',
  label: 'Tiny',
  settings: tinySettings,
  limits: { maxEvents: 4, maxBytes: 10_000 },
  defaultMapping: { events: { X: 'x_happened' }, properties: {}, constants: {}, defaults: {}, unmapped: 'keep' },
  format: (m) => ({ payload: { name: m.name, n: m.params.n, id: m.event.eventId }, batchKey: '' }),
  buildRequest: (payloads, settings, { credentials }) => ({
    url: settings.url,
    method: 'POST',
    body: JSON.stringify(payloads),
    headers: { 'content-type': 'application/json', ...(credentials ? { authorization: `Bearer ${credentials.accessToken}` } : {}) },
  }),
  // The vendor answers 200 with one status per event: "ok", "retry" or an error message.
  classify(response, payloads): BatchOutcome {
    if (response.status === 422) return { kind: 'split', reason: 'vendor refused the batch: bad event' };
    if (response.status !== 200) return { kind: 'retry', reason: `HTTP ${response.status}` };
    const statuses = JSON.parse(response.body) as string[];
    return {
      kind: 'per-event',
      outcomes: payloads.map((_, i) =>
        statuses[i] === 'ok' ? { kind: 'ok' } : statuses[i] === 'retry' ? { kind: 'retry', reason: 'vendor: try later' } : { kind: 'abort', reason: `vendor: ${statuses[i]}` },
      ),
    };
  },
};

function destinationWith(connector: HttpConnector | SinkConnector, delivery: Record<string, unknown> = {}, allow?: Record<string, unknown>): ActiveDestination {
  const base = activeDestination('webhook', { retryBaseMs: 60_000, retryMaxMs: 60_000, ...delivery }, allow ? { allow: { production: allow } } : {});
  return { ...base, connector, settings: { url: 'https://tiny.example/in', token: 't' }, mapping: mergeMapping(connector.defaultMapping, base.config.mapping) };
}

/** A fresh store holding `rows`, delivered to `destination` until `done` holds. */
async function run(
  destination: ActiveDestination,
  rows: ReturnType<typeof stored>[],
  send: (r: OutboundRequest) => Promise<VendorResponse>,
  done: (store: SqliteStore) => Promise<boolean>,
) {
  const store = new SqliteStore({ path: ':memory:', cipher: new PayloadCipher(Buffer.alloc(32, 1)) });
  await store.enqueue(rows.map((payload) => ({ destinationId: 'd', eventId: payload.event.eventId, batchKey: '', payload })));
  await deliverUntil(store, destination, send, { done: () => done(store), backoffMs: 60_000 });
  return store;
}

const ids = (request: OutboundRequest) => (JSON.parse(request.body) as Array<{ id: string }>).map((p) => p.id);

describe('connector v2: a new vendor in a few lines', () => {
  it('fits the config schema through its settings, with its secrets declared', () => {
    const schema = buildConfigSchema({ ...settingsSchemas(), tiny: tinySettings });
    const config = {
      environments: { p: { writeKey: 'pk_0123456789' } },
      masking: { key: 'env:K' },
      destinations: [{ id: 't', type: 'tiny', settings: { url: 'https://tiny.example', token: 'inline' } }],
    };
    expect(schema.safeParse(config).success).toBe(false);
    config.destinations[0]!.settings.token = 'env:TINY_TOKEN';
    expect(schema.safeParse(config).success).toBe(true);
    expect(secretFields(tinySettings)).toEqual(['token']);
  });

  connectorContract(tiny, {
    settings: { config: { url: 'https://tiny.example/in', token: 'env:T' }, resolved: { url: 'https://tiny.example/in', token: 't' } },
    requests: [{ name: 'one event', events: [stored('e1', 'k1:a', { n: 3 }).event], expect: { url: 'https://tiny.example/in', body: [{ name: 'x_happened', n: 3, id: 'e1' }] } }],
    responses: [
      {
        name: 'mixed',
        response: { status: 200, headers: {}, body: '["ok","bad date"]' },
        batch: 2,
        expect: { kind: 'per-event', outcomes: [{ kind: 'ok' }, { kind: 'abort', reason: 'vendor: bad date' }] },
      },
    ],
  });
});

describe('per-event outcomes', () => {
  it("acks the good events, reschedules the retryable ones and dead-letters the refused ones with the vendor's message", async () => {
    const sent: OutboundRequest[] = [];
    const store = await run(
      destinationWith(tiny),
      ['e1', 'e2', 'e3'].map((id) => stored(id)),
      async (r) => {
        sent.push(r);
        return { status: 200, headers: {}, body: '["ok","retry","missing field"]' };
      },
      async (s) => (await s.listDeadLetters()).length === 1 && (await s.stats()).outbox.d === 1,
    );
    expect(sent).toHaveLength(1);
    expect((await store.listDeadLetters()).map((l) => [l.eventId, l.reason])).toEqual([['e3', 'vendor: missing field']]);
    // e2 waits for its retry (a minute away); e1 is gone.
    const claimed = await store.claim('d', 10, Date.now() + 120_000, 1000);
    expect(claimed.map((r) => r.eventId)).toEqual(['e2']);
    expect(claimed[0]!.lastError).toBe('vendor: try later');
  });

  it('splits a batch the vendor refuses for one event until that event is alone', async () => {
    const sent: string[][] = [];
    const store = await run(
      destinationWith(tiny),
      ['e1', 'e2', 'e3', 'e4'].map((id) => stored(id)),
      async (r) => {
        sent.push(ids(r));
        const bad = ids(r).includes('e3');
        return bad ? { status: 422, headers: {}, body: '' } : { status: 200, headers: {}, body: JSON.stringify(ids(r).map(() => 'ok')) };
      },
      async (s) => Object.keys((await s.stats()).outbox).length === 0,
    );
    expect(sent).toEqual([['e1', 'e2', 'e3', 'e4'], ['e1', 'e2'], ['e3', 'e4'], ['e3'], ['e4']]);
    expect((await store.listDeadLetters()).map((l) => [l.eventId, l.reason])).toEqual([['e3', 'vendor refused the batch: bad event']]);
  });
});

describe('short-lived credentials', () => {
  it('fetches a token once, reuses it, fetches again before expiry and once after a 401', async () => {
    // The worker's clock runs with real time, plus whatever the test skips ahead.
    let skipped = 0;
    const clock = () => Date.now() + skipped;
    let issued = 0;
    const authed: HttpConnector = { ...tiny, auth: { obtain: async () => ({ accessToken: `tok${++issued}`, expiresAt: clock() + 3_600_000 }) } };
    const seen: string[] = [];
    let revoke = false;
    let delivered = 0;
    const store = new SqliteStore({ path: ':memory:', cipher: new PayloadCipher(Buffer.alloc(32, 1)) });
    const worker = new DeliveryWorker({
      destination: destinationWith(authed),
      store,
      log,
      backoff: { baseMs: 10, maxMs: 10 },
      pollMs: 5,
      now: clock,
      send: async (r) => {
        seen.push(r.headers.authorization!);
        if (revoke && r.headers.authorization === 'Bearer tok2') return { status: 401, headers: {}, body: '' };
        delivered++;
        return { status: 200, headers: {}, body: JSON.stringify(ids(r).map(() => 'ok')) };
      },
    });
    const deliver = async (id: string) => {
      await store.enqueue([{ destinationId: 'd', eventId: id, batchKey: '', payload: stored(id) }]);
      worker.wake();
      const before = delivered;
      for (let i = 0; i < 500 && delivered === before; i++) await new Promise((r) => setTimeout(r, 5));
    };
    worker.start();
    await deliver('a');
    await deliver('b');
    skipped += 3_600_000 - 30_000; // within a minute of expiry: a new token first
    await deliver('c');
    revoke = true; // the vendor revokes tok2: one 401, a new token, the same batch again
    await deliver('d');
    await worker.stop();
    expect(seen).toEqual(['Bearer tok1', 'Bearer tok1', 'Bearer tok2', 'Bearer tok2', 'Bearer tok3']);
    expect(issued).toBe(3);
  });
});

describe('a sink connector', () => {
  it('writes batches through its client, with the same outcomes, and closes it on stop', async () => {
    const written: string[][] = [];
    let closed = 0;
    const sink: SinkConnector = {
      kind: 'sink',
      type: 'memory',
      label: 'Memory',
      settings: z.strictObject({}),
      limits: { maxEvents: 2, maxBytes: 10_000 },
      defaultMapping: tiny.defaultMapping,
      format: (m) => ({ payload: m.event.eventId, batchKey: '' }),
      open: async () => ({ rows: written }),
      write: async (client: { rows: string[][] }, payloads: string[]) => {
        client.rows.push(payloads);
        return { kind: 'per-event', outcomes: payloads.map((p) => (p === 'e3' ? { kind: 'abort', reason: 'constraint violated' } : { kind: 'ok' })) };
      },
      close: async () => {
        closed++;
      },
    };
    const store = await run(
      destinationWith(sink),
      ['e1', 'e2', 'e3'].map((id) => stored(id)),
      async () => {
        throw new Error('a sink sends no HTTP');
      },
      async (s) => Object.keys((await s.stats()).outbox).length === 0,
    );
    expect(written).toEqual([['e1', 'e2'], ['e3']]);
    expect((await store.listDeadLetters()).map((l) => l.reason)).toEqual(['constraint violated']);
    expect(closed).toBe(1);
  });
});

describe('failures that must not leak or pile up', () => {
  it('closes a sink client that failed, opens a new one, and records the error by code, never its message', async () => {
    let opened = 0;
    let closed = 0;
    let fail = true;
    const reasons: string[] = [];
    const sink: SinkConnector = {
      kind: 'sink',
      type: 'memory',
      label: 'Memory',
      settings: z.strictObject({}),
      limits: { maxEvents: 10, maxBytes: 10_000 },
      defaultMapping: tiny.defaultMapping,
      format: (m) => ({ payload: m.event.eventId, batchKey: '' }),
      open: async () => ++opened,
      write: async () => {
        if (fail) {
          fail = false;
          // Databases echo the values they refused.
          throw Object.assign(new Error('duplicate key value (jane.canary@example.com) violates unique constraint'), { code: '23505' });
        }
        return { kind: 'ok' };
      },
      close: async () => {
        closed++;
      },
    };
    const store = new SqliteStore({ path: ':memory:', cipher: new PayloadCipher(Buffer.alloc(32, 1)) });
    await store.enqueue([{ destinationId: 'd', eventId: 'e1', batchKey: '', payload: stored('e1') }]);
    // Watch the row's last error between the failed write and the retry.
    const recording: SinkConnector = {
      ...sink,
      open: async (settings) => {
        const [row] = await store.claim('d', 1, Date.now() + 3_600_000, 1);
        if (row?.lastError) reasons.push(row.lastError);
        if (row) await store.release([row.id]);
        return sink.open(settings);
      },
    };
    await deliverUntil(
      store,
      destinationWith(recording),
      async () => {
        throw new Error('a sink sends no HTTP');
      },
      { backoffMs: 1 },
    );
    expect(opened).toBe(2);
    expect(closed).toBe(2); // the broken client, then the good one at stop
    expect(reasons).toEqual(['sink: 23505']);
    expect(Object.keys((await store.stats()).outbox)).toEqual([]);
  });

  it('asks for credentials once when several requests need them at the same time', async () => {
    let issued = 0;
    const authed: HttpConnector = {
      ...tiny,
      auth: {
        obtain: async () => {
          issued++;
          await new Promise((r) => setTimeout(r, 20));
          return { accessToken: 'tok', expiresAt: Date.now() + 3_600_000 };
        },
      },
    };
    await run(
      destinationWith(authed, { concurrency: 4 }),
      Array.from({ length: 12 }, (_, i) => stored(`e${i}`)),
      async (r) => ({ status: 200, headers: {}, body: JSON.stringify(ids(r).map(() => 'ok')) }),
      async (s) => Object.keys((await s.stats()).outbox).length === 0,
    );
    expect(issued).toBe(1);
  });
});

describe("today's policy at delivery", () => {
  it('drops what the allowlist no longer admits from queued and replayed events, and masks what it now masks', async () => {
    const bodies: unknown[] = [];
    const webhook = activeDestination('webhook', {}, { allow: { production: { events: ['X'], eventProperties: { kept: 'allow', now_masked: 'mask' } } } });
    const event = (id: string, key = 'X') => ({ ...stored(id, 'k1:a', { kept: 'cardiology', removed: 'was allowed', now_masked: 'north-7' }), key });
    const store = await run(
      webhook,
      [event('e1'), event('e2', 'Y')],
      async (r) => {
        bodies.push(...(JSON.parse(r.body) as { batch: unknown[] }).batch);
        return { status: 200, headers: {}, body: '' };
      },
      async (s) => Object.keys((await s.stats()).outbox).length === 0,
    );
    expect(bodies).toHaveLength(1);
    const sent = bodies[0] as { eventId: string; properties: Record<string, string> };
    expect(sent.eventId).toBe('e1');
    expect(sent.properties.kept).toBe('cardiology');
    expect(sent.properties.removed).toBeUndefined();
    expect(sent.properties.now_masked).toBe(webhook.mask('north-7'));
    expect(await store.listDeadLetters()).toEqual([]);
  });

  it('re-checks a dead letter on replay: a property removed since is not sent', async () => {
    const store = new SqliteStore({ path: ':memory:', cipher: new PayloadCipher(Buffer.alloc(32, 1)) });
    await store.enqueue([{ destinationId: 'd', eventId: 'e1', batchKey: '', payload: stored('e1', 'k1:a', { n: 1, secret_note: 'was allowed then' }) }]);
    const [row] = await store.claim('d', 1, Date.now(), 1000);
    await store.deadLetter([row!.id], 'HTTP 400', Date.now());
    expect(await store.replayDeadLetters({ destinationId: 'd' }, Date.now())).toBe(1);
    const bodies: Array<{ properties: Record<string, unknown> }> = [];
    await deliverUntil(store, activeDestination('webhook'), async (r) => {
      bodies.push(...(JSON.parse(r.body) as { batch: typeof bodies }).batch);
      return { status: 200, headers: {}, body: '' };
    });
    expect(bodies[0]!.properties).toEqual({ n: 1 });
  });
});
