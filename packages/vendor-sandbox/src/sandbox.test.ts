import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateGa4 } from './ga4-validate.js';
import { startSandbox, type Sandbox } from './sandbox.js';

const ev = (name: string, params: Record<string, unknown> = { session_id: 1, engagement_time_msec: 1 }) => ({ name, params });

describe('GA4 validation (as /debug/mp/collect)', () => {
  it('accepts a well-formed request', () => {
    expect(validateGa4({ measurement_id: 'G-X' }, { client_id: 'c', events: [ev('page_view')] })).toEqual([]);
  });

  it('reports each problem with its field path and GA4 code', () => {
    const messages = validateGa4(
      {},
      {
        ip_override: '1.2.3.4',
        user_properties: { a_very_long_user_property_name: { value: 1 }, plan: { value: 'x'.repeat(40) } },
        events: [
          ev('1bad'),
          ev('first_visit'),
          ev('google_x'),
          ev('ok', { session_id: 1, engagement_time_msec: 1, long: 'y'.repeat(101), obj: { a: 1 } }),
          ...Array.from({ length: 22 }, () => ev('e')),
        ],
      },
    );
    const found = messages.map((m) => `${m.fieldPath}:${m.validationCode}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'measurement_id:VALUE_REQUIRED',
        'client_id:VALUE_REQUIRED',
        'ip_override:VALUE_INVALID',
        'user_properties.a_very_long_user_property_name:VALUE_OUT_OF_BOUNDS',
        'user_properties.plan.value:VALUE_OUT_OF_BOUNDS',
        'events:EXCEEDED_MAX_ENTITIES',
        'events[0].name:NAME_INVALID',
        'events[1].name:NAME_RESERVED',
        'events[2].name:NAME_RESERVED',
        'events[3].params.long:VALUE_OUT_OF_BOUNDS',
        'events[3].params.obj:VALUE_INVALID',
      ]),
    );
  });
});

describe('sandbox server', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, webhookSecrets: { t: 'whsec' }, ga4ApiSecrets: ['right'] });
  });
  afterAll(() => sandbox.stop());

  const postJson = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${sandbox.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('answers GA4 with 204 like the real one and records findings without the secret', async () => {
    const r = await postJson('/ga4/mp/collect?measurement_id=G-X&api_secret=wrong', { client_id: 'c', events: [ev('1bad')] });
    expect(r.status).toBe(204);
    const [item] = (await (await fetch(`${sandbox.url}/api/received?vendor=ga4`)).json()) as Array<{
      query: object;
      validation: { apiSecretValid: boolean; validationMessages: unknown[] };
    }>;
    expect(item!.query).toEqual({ measurement_id: 'G-X' });
    expect(item!.validation.apiSecretValid).toBe(false);
    expect(item!.validation.validationMessages).toHaveLength(1);
    const debug = await (await postJson('/ga4/debug/mp/collect?measurement_id=G-X', { client_id: 'c', events: [ev('ok')] })).json();
    expect(debug).toEqual({ validationMessages: [] });
  });

  it('verifies webhook signatures', async () => {
    const body = JSON.stringify({ batch: [] });
    const t = Math.floor(Date.now() / 1000);
    const v1 = createHmac('sha256', 'whsec').update(`${t}.${body}`).digest('hex');
    expect((await postJson('/webhook/t', body, { 'x-palisade-signature': `t=${t},v1=${v1}` })).status).toBe(200);
    expect((await postJson('/webhook/t', body, { 'x-palisade-signature': `t=${t},v1=${'0'.repeat(64)}` })).status).toBe(401);
    expect((await postJson('/webhook/t', body)).status).toBe(401);
    expect((await postJson('/webhook/other', body, { 'x-palisade-signature': `t=${t},v1=${v1}` })).status).toBe(401);
  });

  it('plays scripted faults, then behaves again', async () => {
    expect((await postJson('/api/faults', { vendor: 'ga4', status: 503, times: 2, retryAfterSeconds: 3 })).status).toBe(201);
    const first = await postJson('/ga4/mp/collect?measurement_id=G-X', { client_id: 'c', events: [ev('a')] });
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('3');
    expect((await postJson('/ga4/mp/collect?measurement_id=G-X', {})).status).toBe(503);
    expect((await postJson('/ga4/mp/collect?measurement_id=G-X', { client_id: 'c', events: [ev('a')] })).status).toBe(204);
    const bad = await postJson('/api/faults', { vendor: 'nobody', times: 0 });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toContain('vendor must be one of');
  });

  it('pairs each vendor event with the browser message it came from, never a neighbour of the same millisecond', async () => {
    const at = '2026-11-29T10:00:00.123Z';
    const ms = Date.parse(at);
    sandbox.recorder.addSent([
      { environment: 'production', timestamp: at, message: { type: 'page', name: 'Home', properties: { path: '/' } } },
      { environment: 'production', timestamp: at, message: { type: 'track', event: 'Appointment Booked', properties: { email: 'pair.canary@example.org' } } },
    ]);
    await postJson('/ga4/mp/collect?measurement_id=G-X', {
      client_id: 'k1:AAAAAAAAAAAAAAAAAAAAAA',
      events: [
        { ...ev('appointment_booked'), timestamp_micros: ms * 1000 },
        { ...ev('page_view'), timestamp_micros: ms * 1000 },
        { ...ev('other'), timestamp_micros: ms * 1000 },
      ],
    });
    const html = await (await fetch(`${sandbox.url}/?vendor=ga4`)).text();
    const article = (name: string) => html.slice(html.indexOf(`<h3>${name} `), html.indexOf('</article>', html.indexOf(`<h3>${name} `)));
    expect(article('appointment_booked')).toContain('pair.canary@example.org');
    expect(article('page_view')).toContain('Home');
    expect(article('page_view')).not.toContain('pair.canary');
    expect(article('other')).toContain('What the browser sent is shown when');
    expect(article('appointment_booked')).toContain('class="masked"');
  });

  it('refuses a body nested thousands deep, and its page and JSON API keep working', async () => {
    const deep = `${'['.repeat(20_000)}1${']'.repeat(20_000)}`;
    const posted = await fetch(`${sandbox.url}/ga4/mp/collect?measurement_id=G-X`, { method: 'POST', body: `{"client_id":"c","events":[{"name":"deep","params":{"x":${deep}}}]}` });
    expect(posted.status).toBe(400);
    // Up to the limit it is kept, and the page shows the deepest levels as a note.
    const nested = `${'{"a":'.repeat(30)}1${'}'.repeat(30)}`;
    expect(
      (await fetch(`${sandbox.url}/ga4/mp/collect?measurement_id=G-X`, { method: 'POST', body: `{"client_id":"c","events":[{"name":"nested","params":{"x":${nested}}}]}` })).status,
    ).toBe(204);
    const page = await fetch(`${sandbox.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('nested deeper than the page shows');
    expect((await fetch(`${sandbox.url}/api/received`)).status).toBe(200);
  });

  it('answers only requests addressed to an IP literal or localhost (no DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const r = request(`${sandbox.url}/api/received`, { headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        r.on('error', reject);
        r.end();
      });
    expect(await status('rebind.attacker.example:8789')).toBe(403);
    expect(await status('127.0.0.1:8789')).toBe(200);
    expect(await status('localhost:8789')).toBe(200);
    expect(await status('[::1]:8789')).toBe(200);
  });

  it('shows received requests on a page, escaped', async () => {
    await postJson('/ga4/mp/collect?measurement_id=G-X', { client_id: '<script>x</script>', events: [ev('a')] });
    const html = await (await fetch(`${sandbox.url}/`)).text();
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<script>x</script>');
  });
});
