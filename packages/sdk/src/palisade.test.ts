// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { messageSchema } from '@palisade/schema';
import { createPalisade } from './palisade.js';
import { memoryStore } from './queue-store.js';
import { relayStandIn, resetBrowserState } from './sdk.fixture.js';

beforeEach(() => resetBrowserState());
afterEach(() => vi.unstubAllGlobals());

const make = (extra = {}) => createPalisade({ writeKey: 'pk_test_0123456789', autotrack: false, flushInterval: 5, ...extra }, memoryStore());

describe('API', () => {
  it('sends every call as a valid wire message with identity, page, session and consent', async () => {
    const relay = relayStandIn();
    const p = make({ consentDefault: ['analytics'] });
    p.track('Appointment Booked', { service_line: 'cardiology' });
    p.identify('patient-1', { plan: 'gold' });
    p.page('Home', { section: 'x' });
    p.group('clinic-7', { clinic_type: 'peds' });
    p.alias('patient-2');
    await p.flush();
    const messages = relay.messages();
    expect(messages.map((m) => m.type)).toEqual(['track', 'identify', 'page', 'group', 'alias']);
    for (const m of messages) {
      expect(messageSchema.safeParse(m).success, JSON.stringify(m)).toBe(true);
      expect(m.messageId).toMatch(/^[0-9a-f-]{36}$/);
      expect(m.context.library.name).toBe('palisade-sdk');
      expect(m.context.page.path).toBe('/');
      expect(m.context.consent.categoryPreferences).toEqual({ analytics: true, advertising: false, functional: false, authorization: false });
      expect(m.context.consent.gpc).toBe(false);
      expect(m.context.clickIds).toBeUndefined();
      expect(m.context.sessionId).toBeGreaterThan(1_700_000_000);
    }
    expect(new Set(messages.map((m) => m.anonymousId)).size).toBe(1);
    expect(messages[0]!.userId).toBeUndefined();
    expect(messages[1]!.userId).toBe('patient-1');
    expect(messages[4]).toMatchObject({ userId: 'patient-2', previousId: 'patient-1' });
    expect(relay.sent[0]!.url).toBe(`${location.origin}/v1/batch`);
    // No header of our own and a string body: the browser sends text/plain, a request without preflight.
    expect(relay.sent[0]!.init.headers).toBeUndefined();
    expect(typeof relay.sent[0]!.init.body).toBe('string');
    expect(relay.sent[0]!.body.writeKey).toBe('pk_test_0123456789');
  });

  it('keeps the anonymous id across instances and forgets everything on reset', async () => {
    relayStandIn();
    const first = make();
    const second = make();
    const relay = relayStandIn();
    second.identify('u1');
    first.reset();
    const third = make();
    third.track('x');
    await second.flush();
    await third.flush();
    const [identify, track] = relay.messages();
    expect(identify!.userId).toBe('u1');
    expect(track!.userId).toBeUndefined();
    expect(track!.anonymousId).not.toBe(identify!.anonymousId);
    expect(document.cookie).toContain(`palisade_aid=${track!.anonymousId}`);
  });

  it('replays calls made before it loaded, with their own page and time', async () => {
    const relay = relayStandIn();
    const p = make();
    const page = { url: 'https://clinic.example/earlier', path: '/earlier', referrer: '', title: 'Earlier', search: '' };
    p.replay([
      { method: 'track', args: ['Early'], page, timestamp: '2026-01-01T00:00:00.000Z' },
      { method: 'nope', args: [] },
      { method: 'track', args: ['Now'] },
    ]);
    await p.flush();
    const [early, now] = relay.messages();
    expect(early).toMatchObject({ event: 'Early', timestamp: '2026-01-01T00:00:00.000Z', context: { page: { path: '/earlier' } } });
    expect(now).toMatchObject({ event: 'Now', context: { page: { path: '/' } } });
  });
});

describe('consent', () => {
  it('persists choices and lets Global Privacy Control deny advertising', async () => {
    relayStandIn();
    const p = make({ consentDefault: ['analytics', 'advertising'] });
    expect(p.consent.get()).toEqual({ analytics: true, advertising: true, functional: false, authorization: false });
    p.consent.set({ functional: true, analytics: false });
    expect(make().consent.get()).toEqual({ analytics: false, advertising: true, functional: true, authorization: false });
    Object.defineProperty(navigator, 'globalPrivacyControl', { value: true, configurable: true });
    try {
      expect(make().consent.get().advertising).toBe(false);
    } finally {
      Object.defineProperty(navigator, 'globalPrivacyControl', { value: undefined, configurable: true });
    }
  });
});

describe('delivery', () => {
  it('batches by time and size and removes events once the relay answered', async () => {
    const relay = relayStandIn();
    const p = make({ flushInterval: 60_000, flushAt: 3 });
    p.track('a');
    p.track('b');
    await new Promise((r) => setTimeout(r, 20));
    expect(relay.sent).toHaveLength(0);
    p.track('c');
    await vi.waitFor(() => expect(relay.sent).toHaveLength(1));
    expect(relay.sent[0]!.body.batch.map((m) => (m as { event: string }).event)).toEqual(['a', 'b', 'c']);
    await p.flush();
    expect(relay.sent).toHaveLength(1);
  });

  it('keeps events through 503s and network errors and sends them once the relay is back', async () => {
    const relay = relayStandIn([503, 'network']);
    const store = (await import('./queue-store.js')).memoryStore();
    const p = createPalisade({ writeKey: 'pk_test_0123456789', autotrack: false, flushInterval: 5 }, store);
    p.track('kept');
    await p.flush();
    expect((await store.all()).length).toBe(1);
    await p.flush();
    expect((await store.all()).length).toBe(1);
    await p.flush();
    expect(await store.all()).toEqual([]);
    expect(relay.sent.map((s) => s.body.batch[0]!.messageId)).toEqual(Array(3).fill(relay.sent[0]!.body.batch[0]!.messageId));
  });

  it('drops what the relay refused for good (400 rejections, 401, 413) instead of retrying forever', async () => {
    for (const status of [400, 401, 413]) {
      const relay = relayStandIn([status]);
      const store = (await import('./queue-store.js')).memoryStore();
      const p = createPalisade({ writeKey: 'pk_test_0123456789', autotrack: false }, store);
      p.track('x');
      await p.flush();
      expect(await store.all()).toEqual([]);
      expect(relay.sent).toHaveLength(1);
      vi.unstubAllGlobals();
    }
  });

  it('says once, on the first failed send, what is likely misconfigured', async () => {
    const cases: Array<[number | 'network', Record<string, unknown>, RegExp]> = [
      [401, {}, /events are not getting through to .*\/v1\/batch: the relay does not know this data-write-key$/],
      [403, {}, /the relay does not allow this origin \(http:\/\/localhost:3000\): add it to allowedOrigins$/],
      [404, { api: 'https://relay.clinic.example' }, /to https:\/\/relay\.clinic\.example\/v1\/batch: no relay answers there: check the script src or data-api$/],
      ['network', { api: 'https://relay.clinic.example' }, /the relay cannot be reached, or does not allow this origin \(http:\/\/localhost:3000\) in allowedOrigins$/],
      ['network', {}, /the relay cannot be reached$/],
    ];
    for (const [status, options, message] of cases) {
      relayStandIn([status, status, status]);
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const p = make(options);
      for (let i = 0; i < 3; i++) {
        p.track('x');
        await p.flush();
      }
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toMatch(message);
      await p.flush(); // the relay answers 200 now: nothing is left to send when a later test hides the page
      warn.mockRestore();
      vi.unstubAllGlobals();
    }
  });

  it('with debug, logs each answer of the relay', async () => {
    relayStandIn();
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => {});
    const p = make({ debug: true });
    p.track('x');
    await p.flush();
    expect(debug.mock.calls.some((c) => c[0] === '[palisade] relay answered' && c[1] === 200 && (c[2] as { accepted?: number }).accepted === 1)).toBe(true);
    debug.mockRestore();
  });

  it('splits a batch the relay refused as a whole and keeps every event but the bad one', async () => {
    // As an older relay answered a message with a forbidden key: the whole body, 400 {error}.
    const sent: string[][] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init: RequestInit) => {
        const batch = (JSON.parse(String(init.body)) as { batch: Array<{ event: string }> }).batch;
        sent.push(batch.map((m) => m.event));
        const poisoned = batch.some((m) => m.event === 'poison');
        return new Response(JSON.stringify(poisoned ? { error: { code: 'invalid_body', message: 'x' } } : { accepted: batch.length, rejected: [] }), {
          status: poisoned ? 400 : 200,
        });
      }),
    );
    const store = (await import('./queue-store.js')).memoryStore();
    const p = createPalisade({ writeKey: 'pk_test_0123456789', autotrack: false, flushAt: 10, flushInterval: 10_000 }, store);
    for (const event of ['a', 'b', 'poison', 'c', 'd']) p.track(event);
    await p.flush();
    expect(await store.all()).toEqual([]);
    const delivered = sent.filter((b) => !b.includes('poison')).flat();
    expect(delivered.sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(sent[0]).toHaveLength(5);
    expect(sent.at(-1)).not.toEqual(['poison', 'c', 'd']);
  });

  it('sends unsent events with keepalive when the page is hidden', async () => {
    const relay = relayStandIn();
    const p = make({ flushInterval: 60_000 });
    p.track('last click');
    await new Promise((r) => setTimeout(r, 0));
    dispatchEvent(new Event('pagehide'));
    await vi.waitFor(() => expect(relay.sent.length).toBeGreaterThan(0));
    expect(relay.sent[0]!.init.keepalive).toBe(true);
    expect((relay.sent[0]!.body.batch[0] as { event: string }).event).toBe('last click');
  });
});
