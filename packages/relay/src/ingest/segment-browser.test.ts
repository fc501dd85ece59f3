/**
 * Segment's browser library pointed at the relay: its settings request and its per-call paths,
 * with the bodies analytics-next sends (text/plain JSON, the write key inside).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, testConfig, type TestRelay, WRITE_KEY } from '../relay.fixture.js';

let relay: TestRelay;
beforeAll(async () => {
  const config = testConfig();
  // The relay behind the site's own origin (tests reach it over plain HTTP).
  config.environments.production!.allowedOrigins = ['https://clinic.example', 'http://clinic.example'];
  relay = await startTestRelay(config);
});
afterAll(async () => relay?.stop());

/** A call as analytics-next 1.x sends it (what `toFacade(...).json()` and `normalize` produce). */
const call = (type: string, extra: Record<string, unknown>) => ({
  type,
  ...extra,
  messageId: `ajs-next-${Math.random().toString(16).slice(2)}`,
  anonymousId: '3f0c1a52-7d7e-4c8b-9d5e-0b1f2a3c4d5e',
  timestamp: new Date().toISOString(),
  sentAt: new Date().toISOString(),
  writeKey: WRITE_KEY,
  integrations: {},
  context: { library: { name: 'analytics.js', version: 'npm:next-1.84.3' }, page: { path: '/book', url: 'https://clinic.example/book', title: 'Book' }, locale: 'en-US' },
  _metadata: { bundled: ['Segment.io'], unbundled: [], bundledIds: [] },
});

describe("Segment's browser library", () => {
  it('gets settings that name the relay as the only destination, and no remote metrics', async () => {
    const r = await relay.app.inject({ url: `/v1/projects/${WRITE_KEY}/settings`, headers: { host: 'clinic.example' } });
    expect(r.statusCode).toBe(200);
    const settings = r.json();
    expect(Object.keys(settings.integrations)).toEqual(['Segment.io']);
    expect(settings.integrations['Segment.io']).toMatchObject({ apiKey: WRITE_KEY, apiHost: 'clinic.example/v1', protocol: 'http' });
    expect(settings.metrics).toEqual({ sampleRate: 0, host: 'clinic.example/v1' });
    expect(settings.remotePlugins).toEqual([]);
  });

  it('never writes a Host header the config does not list into the settings, and knows only its write keys', async () => {
    const forged = await relay.app.inject({ url: `/v1/projects/${WRITE_KEY}/settings`, headers: { host: 'evil.example' } });
    expect(forged.statusCode).toBe(404);
    expect(forged.body).not.toContain('evil.example');
    expect((await relay.app.inject({ url: '/v1/projects/pk_unknown_0123456789/settings', headers: { host: 'clinic.example' } })).statusCode).toBe(404);
  });

  it('accepts each call at the path analytics-next posts it to', async () => {
    const calls: Array<[string, Record<string, unknown>]> = [
      ['t', call('track', { event: 'Appointment Booked', properties: { service_line: 'cardiology' } })],
      ['i', call('identify', { userId: 'patient-1', traits: { plan: 'gold' } })],
      ['p', call('page', { name: 'Book', properties: { path: '/book' } })],
      ['g', call('group', { groupId: 'clinic-7', traits: {} })],
    ];
    for (const [path, body] of calls) {
      const r = await relay.app.inject({ method: 'POST', url: `/v1/${path}`, headers: { 'content-type': 'text/plain' }, payload: JSON.stringify(body) });
      expect({ path, status: r.statusCode, body: r.json() }).toEqual({ path, status: 200, body: { accepted: 1, rejected: [] } });
    }
    // Batching mode: /v1/b, the write key in every message and none at the top.
    const batch = await relay.app.inject({
      method: 'POST',
      url: '/v1/b',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({
        batch: [call('track', { event: 'Appointment Booked', properties: {} }), call('page', { name: 'Home', properties: {} })],
        sentAt: new Date().toISOString(),
      }),
    });
    expect({ status: batch.statusCode, body: batch.json() }).toEqual({ status: 200, body: { accepted: 2, rejected: [] } });
    const mixed = [call('track', { event: 'x', properties: {} }), { ...call('track', { event: 'y', properties: {} }), writeKey: 'pk_other_0123456789' }];
    const refused = await relay.app.inject({ method: 'POST', url: '/v1/b', headers: { 'content-type': 'text/plain' }, payload: JSON.stringify({ batch: mixed }) });
    expect(refused.statusCode).toBe(401);
    // A call of another type at a path is refused, as at the single-call routes.
    const wrong = await relay.app.inject({ method: 'POST', url: '/v1/t', headers: { 'content-type': 'text/plain' }, payload: JSON.stringify(call('identify', { userId: 'x' })) });
    expect(wrong.statusCode).toBe(400);
  });
});
