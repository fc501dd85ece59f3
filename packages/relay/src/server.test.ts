import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASKING_KEY, METRICS_TOKEN, startTestRelay, WRITE_KEY, type TestRelay } from './relay.fixture.js';

let relay: TestRelay;
beforeAll(async () => {
  // No vendor listens on port 9: deliveries fail and events stay in the outbox, which we inspect.
  relay = await startTestRelay();
});
afterAll(() => relay.stop());

const auth = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;
const track = (extra: Record<string, unknown> = {}) => ({ type: 'track', event: 'Appointment Booked', anonymousId: 'a1', properties: { service_line: 'x' }, ...extra });

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const r = await relay.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', authorization: auth, ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: r.statusCode, body: r.json(), headers: r.headers };
}

describe('ingest', () => {
  it('accepts a batch and reports per-message rejections', async () => {
    const r = await post('/v1/batch', { batch: [track(), { type: 'track', anonymousId: 'a' }, 'nope', track({ type: 'page' })] });
    expect(r.status).toBe(200);
    expect(r.body.accepted).toBe(2);
    expect(r.body.rejected).toEqual([
      { index: 1, code: 'invalid_message', message: expect.stringContaining('event') },
      { index: 2, code: 'invalid_message', message: 'a message must be an object' },
    ]);
  });

  it('answers 400 with the same shape when every message is rejected', async () => {
    const r = await post('/v1/batch', { batch: [{ type: 'track', event: 'x' }] });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ accepted: 0, rejected: [{ index: 0, code: 'invalid_message', message: 'anonymousId: either userId or anonymousId is required' }] });
  });

  it('has single-call routes that take the type from the path', async () => {
    expect((await post('/v1/track', track({ type: undefined }))).status).toBe(200);
    expect((await post('/v1/identify', { userId: 'u', traits: { plan: 'a' } })).status).toBe(200);
    const wrong = await post('/v1/identify', track());
    expect(wrong.status).toBe(400);
    expect(wrong.body.rejected[0].message).toBe('type: must be identify on this route');
  });

  it('takes the write key from Basic auth or the body; unknown keys get 401', async () => {
    expect((await post('/v1/batch', { batch: [track()], writeKey: WRITE_KEY }, { authorization: '' })).status).toBe(200);
    const r = await post('/v1/batch', { batch: [track()] }, { authorization: `Basic ${Buffer.from('pk_nope_00000000:').toString('base64')}` });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ error: { code: 'unauthorized', message: 'unknown or missing write key' } });
  });

  it('accepts text/plain bodies (no CORS preflight from browsers)', async () => {
    expect((await post('/v1/batch', JSON.stringify({ batch: [track()] }), { 'content-type': 'text/plain;charset=UTF-8' })).status).toBe(200);
  });

  it("allows CORS only for the environment's origins", async () => {
    const pre = await relay.app.inject({ method: 'OPTIONS', url: '/v1/batch', headers: { origin: 'https://clinic.example', 'access-control-request-method': 'POST' } });
    expect(pre.headers['access-control-allow-origin']).toBe('https://clinic.example');
    const evil = await relay.app.inject({ method: 'OPTIONS', url: '/v1/batch', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    expect((await post('/v1/batch', { batch: [track()] }, { origin: 'https://evil.example' })).status).toBe(403);
    const ok = await post('/v1/batch', { batch: [track()] }, { origin: 'https://clinic.example' });
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe('https://clinic.example');
  });

  it('refuses oversized, malformed, deep and prototype-polluting bodies', async () => {
    const big = await post('/v1/batch', JSON.stringify({ batch: [track({ properties: { x: 'y'.repeat(600 * 1024) } })] }));
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');
    expect((await post('/v1/batch', '{"batch": [')).body).toEqual({ error: { code: 'invalid_body', message: 'body is not valid JSON' } });
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = { d: deep };
    // A deep or prototype-polluting message is one rejected message; the rest of its batch goes on.
    const mixed = await post(
      '/v1/batch',
      `{"batch":[${JSON.stringify(track())},{"type":"track","event":"x","anonymousId":"a","properties":{"__proto__":{"admin":true}}},${JSON.stringify(track({ properties: deep }))}]}`,
    );
    expect(mixed.status).toBe(200);
    expect(mixed.body).toEqual({
      accepted: 1,
      rejected: [
        { index: 1, code: 'invalid_message', message: 'message contains a forbidden key (__proto__, constructor or prototype)' },
        { index: 2, code: 'invalid_message', message: 'message nested deeper than 32 levels' },
      ],
    });
    const proto = await post('/v1/track', `{"type":"track","event":"x","anonymousId":"a","properties":{"__proto__":{"admin":true}}}`);
    expect(proto.status).toBe(400);
    expect(proto.body.accepted).toBe(0);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(
      (await relay.app.inject({ method: 'POST', url: '/v1/batch', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth }, payload: 'a=b' }))
        .statusCode,
    ).toBe(415);
  });

  it('serves health, readiness and metrics without values', async () => {
    expect((await relay.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await relay.app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
    await post('/v1/batch', { batch: [track({ properties: { service_line: 'canary-value-xyz' } })] });
    expect((await relay.app.inject({ url: '/metrics' })).statusCode).toBe(401);
    expect((await relay.app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong-token-0123456789' } })).statusCode).toBe(401);
    const metrics = (await relay.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).body;
    expect(metrics).toMatch(/palisade_ingest_messages_total\{outcome="accepted"\} \d+/);
    expect(metrics).toMatch(/palisade_pipeline_events_total\{destination="ga4-main",outcome="queued",reason=""\} \d+/);
    expect(metrics).toMatch(/palisade_outbox_events\{destination="ga4-main",queue="outbox"\} \d+/);
    expect(metrics).not.toContain('canary-value-xyz');
  });

  it('keeps the masking key and event values out of responses and logs', async () => {
    const r = await post('/v1/batch?email=jane@example.com', { batch: [track({ properties: { email: 'jane@example.com' } })] });
    expect(JSON.stringify(r.body)).not.toContain('jane');
    const logs = relay.logs();
    expect(logs).not.toContain('jane@example.com');
    expect(logs).not.toContain(MASKING_KEY.toString('hex'));
    expect(logs).not.toContain(MASKING_KEY.toString('base64'));
    expect(logs).not.toContain('ga4-secret');
  });
});

describe('resent messages', () => {
  it('acknowledges a message id seen before without queueing it again', async () => {
    // Rows stay in the outbox or (the test vendor being unreachable) move to dead letters.
    const outbox = async () => {
      const stats = await relay.store.stats();
      return [...Object.values(stats.outbox), ...Object.values(stats.deadLetters)].reduce((a, b) => a + b, 0);
    };
    const message = track({ messageId: 'resend-me-1' });
    expect((await post('/v1/batch', { batch: [message] })).body).toEqual({ accepted: 1, rejected: [] });
    const after = await outbox();
    expect((await post('/v1/batch', { batch: [message, track({ messageId: 'resend-me-2' })] })).body).toEqual({ accepted: 2, rejected: [] });
    // Only resend-me-2 reached the two destinations.
    expect(await outbox()).toBe(after + 2);
    const metrics = (await relay.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).body;
    expect(metrics).toMatch(/palisade_ingest_messages_total\{outcome="duplicate"\} 1/);
    // The same id twice in one batch is queued once.
    const twice = track({ messageId: 'resend-me-3' });
    expect((await post('/v1/batch', { batch: [twice, twice] })).body).toEqual({ accepted: 2, rejected: [] });
    expect(await outbox()).toBe(after + 4);
    // An id counts per visitor: another client that sent a victim's id first claims nothing.
    const claimed = track({ messageId: 'victim-id-1', anonymousId: 'attacker' });
    const real = track({ messageId: 'victim-id-1', anonymousId: 'victim' });
    await post('/v1/batch', { batch: [claimed] });
    await post('/v1/batch', { batch: [real] });
    expect(await outbox()).toBe(after + 8);
  });
});

describe('start-up', () => {
  it('fails cleanly when the port is taken', async () => {
    const port = Number(new URL(relay.url).port);
    await expect(startTestRelay(undefined, { port })).rejects.toThrow(/EADDRINUSE|address already in use/);
  });
});

describe('CSP reports', () => {
  it('turns both report formats into tracker inventory, without paths or queries', async () => {
    const legacy = await relay.app.inject({
      method: 'POST',
      url: '/v1/csp-report',
      headers: { 'content-type': 'application/csp-report' },
      payload: JSON.stringify({
        'csp-report': { 'document-uri': 'https://clinic.example/patients/48213', 'blocked-uri': 'https://www.facebook.com/tr?ud[em]=jane', 'effective-directive': 'img-src' },
      }),
    });
    expect(legacy.statusCode).toBe(204);
    const modern = await relay.app.inject({
      method: 'POST',
      url: '/v1/csp-report',
      headers: { 'content-type': 'application/reports+json' },
      payload: JSON.stringify([
        {
          type: 'csp-violation',
          body: { documentURL: 'https://clinic.example/', blockedURL: 'https://www.googletagmanager.com/gtm.js?id=GTM-1', effectiveDirective: 'script-src-elem' },
        },
      ]),
    });
    expect(modern.statusCode).toBe(204);
    const inventory = await relay.store.listTrackers();
    expect(inventory.map((t) => [t.origin, t.kind, t.pages])).toEqual(
      expect.arrayContaining([
        ['https://www.facebook.com', 'image', ['/patients/:id']],
        ['https://www.googletagmanager.com', 'script', ['/']],
      ]),
    );
    expect(JSON.stringify(inventory)).not.toContain('jane');
    const bad = await relay.app.inject({ method: 'POST', url: '/v1/csp-report', headers: { 'content-type': 'application/json' }, payload: '{"x":1}' });
    expect(bad.statusCode).toBe(400);
  });
});
