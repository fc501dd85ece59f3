import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OutboundRequest, VendorResponse } from '../destinations/connector.js';
import { createLogger } from '../log.js';
import { activeDestination, stored } from './delivery.fixture.js';
import { PayloadCipher } from '../store/payload-cipher.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { backoffDelay } from './backoff.js';
import { planBatches } from './batches.js';
import { NetworkError } from './http-send.js';
import { DeliveryWorker } from './worker.js';

const log = createLogger({ level: 'silent' });

/** A scripted vendor on the other side of `send`: answers from a list, then 200. */
function vendor(script: Array<number | 'network' | [number, Record<string, string>]>) {
  const requests: OutboundRequest[] = [];
  const send = async (request: OutboundRequest): Promise<VendorResponse> => {
    requests.push(request);
    const next = script.shift() ?? 200;
    if (next === 'network') throw new NetworkError('ECONNRESET');
    const [status, headers] = Array.isArray(next) ? next : [next, {}];
    return { status, headers, body: '' };
  };
  return { send, requests };
}

function setup(delivery: Record<string, unknown>, script: Parameters<typeof vendor>[0], type: 'webhook' | 'ga4' = 'webhook', backoff = { baseMs: 5, maxMs: 20 }) {
  const store = new SqliteStore({ path: ':memory:', cipher: new PayloadCipher(Buffer.alloc(32, 1)) });
  const v = vendor(script);
  const worker = new DeliveryWorker({ destination: activeDestination(type, delivery), store, log, backoff, pollMs: 10, send: v.send, random: () => 0.99 });
  return { store, worker, vendor: v };
}

async function until(check: () => Promise<boolean>, ms = 5000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not met in time');
}

/**
 * Fake clock for the worker's timers and Date (the store's group commit runs on setImmediate, left
 * real): advances it in 10 ms steps until `check` holds.
 */
function fakeClock() {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  return async (check: () => boolean, maxMs = 600_000) => {
    for (let t = 0; t < maxMs && !check(); t += 10) await vi.advanceTimersByTimeAsync(10);
    if (!check()) throw new Error(`condition not met within ${maxMs} ms of fake time`);
  };
}
afterEach(() => vi.useRealTimers());

const events = (n: number) => Array.from({ length: n }, (_, i) => ({ destinationId: 'd', eventId: `e${i}`, batchKey: '', payload: stored(`e${i}`) }));

describe('DeliveryWorker', () => {
  it('retries 503s and network errors, then delivers everything once', async () => {
    const { store, worker, vendor: v } = setup({}, [503, 'network', 503]);
    await store.enqueue(events(3));
    worker.start();
    await until(async () => Object.keys((await store.stats()).outbox).length === 0);
    await worker.stop();
    const delivered = v.requests.slice(3).flatMap((r) => JSON.parse(r.body).batch.map((e: { eventId: string }) => e.eventId));
    expect(delivered).toEqual(['e0', 'e1', 'e2']);
    expect((await store.stats()).deadLetters).toEqual({});
  });

  it('sends a refused batch (400) to dead letters with the reason, at once', async () => {
    const { store, worker, vendor: v } = setup({}, [400]);
    await store.enqueue(events(2));
    worker.start();
    await until(async () => (await store.listDeadLetters()).length === 2);
    await worker.stop();
    expect(v.requests).toHaveLength(1);
    expect((await store.listDeadLetters()).map((l) => l.reason)).toEqual(['HTTP 400', 'HTTP 400']);
  });

  it('gives up after maxAttempts and maxAgeHours', async () => {
    const { store, worker } = setup({ maxAttempts: 3, maxAgeHours: 1e-9 }, [500, 500, 500, 500, 500, 500]);
    await store.enqueue(events(1));
    worker.start();
    await until(async () => (await store.listDeadLetters()).length === 1);
    await worker.stop();
    const [letter] = await store.listDeadLetters();
    expect(letter).toMatchObject({ attempts: 3, reason: 'HTTP 500 (gave up after 3 attempts)' });
  });

  it('honours Retry-After', async () => {
    const advanceUntil = fakeClock();
    const { store, worker, vendor: v } = setup({}, [[429, { 'retry-after': '1' }]]);
    await store.enqueue(events(1));
    const started = Date.now();
    worker.start();
    await advanceUntil(() => v.requests.length === 2);
    await worker.stop();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it("caps a vendor's Retry-After at maxRetryAfterMs (an hour's Retry-After is not an hour's pause)", async () => {
    const advanceUntil = fakeClock();
    const { store, worker, vendor: v } = setup({ maxRetryAfterMs: 2000 }, [[503, { 'retry-after': '3600' }]]);
    await store.enqueue(events(1));
    worker.start();
    await advanceUntil(() => v.requests.length === 1);
    const first = Date.now();
    await advanceUntil(() => v.requests.length === 2, 10_000);
    await worker.stop();
    expect(Date.now() - first).toBeGreaterThanOrEqual(2000);
  });

  it('probes a failing vendor often and sends the whole backlog as soon as it answers', async () => {
    const advanceUntil = fakeClock();
    // Backoff for the rows grows to minutes; the vendor is down for its first four requests.
    const {
      store,
      worker,
      vendor: v,
    } = setup({ batchSize: 5, probeIntervalMs: 1000, retryBaseMs: 60_000, retryMaxMs: 600_000 }, [503, 503, 503, 503], 'webhook', { baseMs: 60_000, maxMs: 600_000 });
    await store.enqueue(events(20));
    const started = Date.now();
    worker.start();
    const delivered = () => v.requests.slice(4).reduce((n, r) => n + (JSON.parse(r.body) as { batch: unknown[] }).batch.length, 0);
    await advanceUntil(() => delivered() === 20, 120_000);
    await worker.stop();
    // Four probes a second or so apart, then everything: seconds, not the rows' ten-minute backoff.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(v.requests.slice(0, 4).every((r) => (JSON.parse(r.body) as { batch: unknown[] }).batch.length <= 5)).toBe(true);
  });

  it('batches GA4 events per client and at most 25 per request', async () => {
    const { store, worker, vendor: v } = setup({}, [], 'ga4');
    const ga4 = (client: string, i: number) => ({ destinationId: 'd', eventId: `${client}${i}`, batchKey: '', payload: stored(`${client}${i}`, client) });
    await store.enqueue([...Array.from({ length: 30 }, (_, i) => ga4('a', i)), ...Array.from({ length: 5 }, (_, i) => ga4('b', i))]);
    worker.start();
    await until(async () => Object.keys((await store.stats()).outbox).length === 0);
    await worker.stop();
    const bodies = v.requests.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => [b.client_id, b.events.length])).toEqual([
      ['a', 25],
      ['a', 5],
      ['b', 5],
    ]);
  });

  it('respects the rate limit', async () => {
    const advanceUntil = fakeClock();
    const { store, worker, vendor: v } = setup({ ratePerSecond: 20, batchSize: 1 }, []);
    await store.enqueue(events(5));
    const started = Date.now();
    worker.start();
    await advanceUntil(() => v.requests.length === 5);
    await worker.stop();
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });
});

describe('circuit breaker', () => {
  it('does not let new events cut a pause after a vendor failure short', async () => {
    const { store, worker, vendor: v } = setup({}, [503], 'webhook', { baseMs: 1000, maxMs: 5000 });
    await store.enqueue(events(1));
    worker.start();
    await until(async () => v.requests.length === 1);
    for (let i = 0; i < 5; i++) {
      await store.enqueue(events(1).map((e) => ({ ...e, eventId: `fresh${i}` })));
      worker.wake();
      await new Promise((r) => setTimeout(r, 40));
    }
    expect(v.requests).toHaveLength(1);
    await worker.stop();
  });
});

describe('backoff and batching', () => {
  it('uses full jitter under an exponential ceiling', () => {
    expect(backoffDelay(3, { baseMs: 100, maxMs: 10_000 }, () => 0.999)).toBe(799);
    expect(backoffDelay(30, { baseMs: 100, maxMs: 10_000 }, () => 0.5)).toBe(5000);
    expect(backoffDelay(3, { baseMs: 100, maxMs: 10_000 }, () => 0)).toBe(0);
  });

  it('splits by batch key, count and bytes', () => {
    const row = (id: number, key: string, size: number) => ({
      id,
      destinationId: 'd',
      eventId: `${id}`,
      batchKey: key,
      payload: 'x',
      bytes: size,
      attempts: 0,
      createdAt: 0,
      firstAttemptAt: null,
      lastError: null,
    });
    const plan = planBatches([row(1, 'a', 10), row(2, 'b', 10), row(3, 'a', 10), row(4, 'a', 100)], 10, 60);
    expect(plan.map((b) => b.map((r) => r.id))).toEqual([[1, 3], [2], [4]]);
  });
});

describe('dead-letter rule', () => {
  it('needs both the attempts and the age: young events keep retrying', async () => {
    const { store, worker, vendor: v } = setup({ maxAttempts: 2, maxAgeHours: 1 }, [500, 500, 500, 500]);
    await store.enqueue(events(1));
    worker.start();
    await until(async () => v.requests.length >= 5);
    await worker.stop();
    expect(await store.listDeadLetters()).toEqual([]);
    expect((await store.stats()).outbox).toEqual({});
  });
});
