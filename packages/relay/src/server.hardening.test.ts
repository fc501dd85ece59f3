/**
 * Regression tests for the faults an attacker's pass found in the running relay: each drives the
 * real ingest server (fastify, the real pipeline and store) and failed before the fix.
 */
import { connect } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from './config/config-schema.js';
import { activateDestinations } from './destinations/active-destination.js';
import { createLogger } from './log.js';
import { createMetrics } from './metrics.js';
import { MASKING_KEY, METRICS_TOKEN, startTestRelay, testConfig, WRITE_KEY, type TestRelay } from './relay.fixture.js';
import { buildIngestServer, ingestState, RELAY_RESPONSE_POLICY } from './server.js';
import { PayloadCipher } from './store/payload-cipher.js';
import { SqliteStore } from './store/sqlite-store.js';
import type { NewOutboxRow, Store } from './store/store.js';

const auth = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;
const CANARY = 'jane.canary@example.com';

let relay: TestRelay;
/** Events the webhook vendor received, as it received them (the relay's real HTTP request body). */
const hookEvents: Array<Record<string, any>> = [];
beforeAll(async () => {
  const config = testConfig();
  // The webhook takes every context field there is, so nothing hides behind an allowlist.
  config.destinations![1]!.allow = { production: { events: ['Appointment Booked'], eventProperties: { service_line: 'allow', note: 'allow' }, pageTitle: true } };
  relay = await startTestRelay(config, {
    limits: { sightingsPerMinute: 50 },
    send: async (request) => {
      if (request.url.includes('/webhook/')) hookEvents.push(...(JSON.parse(request.body) as { batch: Array<Record<string, any>> }).batch);
      return { status: 200, headers: {}, body: '' };
    },
  });
});
afterAll(() => relay.stop());

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const r = await relay.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', authorization: auth, ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: r.statusCode, body: r.json() as Record<string, any> };
}

/** The next `n` events the webhook received, as JSON text. */
async function webhookPayloads(n = 1): Promise<string> {
  for (let i = 0; i < 200 && hookEvents.length < n; i++) await new Promise((r) => setTimeout(r, 25));
  expect(hookEvents.length).toBeGreaterThanOrEqual(n);
  return JSON.stringify(hookEvents.splice(0, n));
}

describe('the PHI screen under the largest body the relay accepts', () => {
  it('answers with every hostile value dropped, and the values over the limit dropped unscreened', async () => {
    // ~500 KB of properties built against each detector: digit runs, separators, @ runs, colon
    // runs, percent-encoding, base64-looking words. Each value is at the 1,024-character limit.
    const hostile = [
      '1'.repeat(1024),
      '1 '.repeat(512),
      `${'+1 '.repeat(341)}x`,
      '@'.repeat(1024),
      'a@'.repeat(512),
      ':'.repeat(1024),
      'a:'.repeat(512),
      '1.'.repeat(512),
      `${'%25'.repeat(341)}x`,
      'QUFB'.repeat(256),
      '٠'.repeat(1024),
      `${'may 1 '.repeat(170)}xxxx`,
    ];
    const properties: Record<string, string> = {};
    for (let i = 0; Buffer.byteLength(JSON.stringify(properties)) < 480 * 1024; i++) properties[`p${i}`] = hostile[i % hostile.length]!;
    properties.note = `${'x'.repeat(1024)}${CANARY}`;
    const body = JSON.stringify({ type: 'track', event: 'Appointment Booked', anonymousId: 'a1', properties: { ...properties, service_line: '078 05 1120' } });
    expect(Buffer.byteLength(body)).toBeLessThan(512 * 1024);
    const r = await post('/v1/track', body);
    expect(r.status).toBe(200);
    const sent = await webhookPayloads();
    expect(sent).not.toContain('078 05 1120');
    expect(sent).not.toContain(CANARY);
    expect((await relay.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('context fields are untrusted input', () => {
  it('lets no canary through campaign, locale, timezone, library, session id, user agent, page host, referrer or title', async () => {
    const r = await post('/v1/track', {
      type: 'track',
      event: 'Appointment Booked',
      anonymousId: 'a2',
      properties: { service_line: 'cardiology' },
      context: {
        campaign: { source: CANARY, medium: CANARY, name: CANARY, term: CANARY },
        locale: `en-US-x-${'janecanary'.slice(0, 8)}`,
        timezone: `America/${CANARY}`,
        library: { name: CANARY, version: CANARY },
        sessionId: 5550104477,
        userAgent: `Mozilla/5.0 ${CANARY}`,
        page: {
          url: `https://jane-canary-example-com.evil.example/book?utm_source=news&utm_campaign=${encodeURIComponent(CANARY)}`,
          referrer: 'https://5550104477.example.net/x',
          title: `Book for ${CANARY}`,
          path: '/patients/10.1.2.3/chart',
        },
      },
    });
    expect(r.status).toBe(200);
    const sent = await webhookPayloads();
    expect(sent).not.toMatch(/canary|janecana|5550104477|10\.1\.2\.3|evil/i);
    const event = JSON.parse(sent)[0];
    expect(event.context).toMatchObject({ locale: 'en-US', campaign: { source: 'news' }, page: { url: '/book?utm_source=news', path: '/patients/:id/chart' } });
    expect(event.context.library).toBeUndefined();
    expect(event.context.sessionId).toBeUndefined();
    expect(event.context.timezone).toBeUndefined();
  });

  it('screens non-ASCII path segments and refuses long or expanding query values', async () => {
    const r = await post('/v1/track', {
      type: 'track',
      event: 'Appointment Booked',
      anonymousId: 'a5',
      context: {
        page: {
          path: '/u/jane＠example．com/٠٧٨-٠٥-١١٢٠',
          url: `https://clinic.example/?utm_source=${'\uFDFA'.repeat(300)}&utm_medium=${'x'.repeat(300)}`,
        },
      },
    });
    expect(r.status).toBe(200);
    const event = JSON.parse(await webhookPayloads())[0];
    expect(event.context.page).toEqual({ url: 'https://clinic.example/', path: '/u/:id/:id' });
  });

  it('keeps what is valid: a known SDK, an IANA zone, a recent session, an allowed origin', async () => {
    const session = Math.floor(Date.now() / 1000) - 60;
    await post('/v1/track', {
      type: 'track',
      event: 'Appointment Booked',
      anonymousId: 'a3',
      context: {
        library: { name: 'analytics.js', version: 'npm:next-1.84.3' },
        timezone: 'America/New_York',
        sessionId: session,
        locale: 'pt_br',
        page: { url: 'https://clinic.example/book' },
      },
    });
    const event = JSON.parse(await webhookPayloads())[0];
    expect(event.context).toMatchObject({
      library: { name: 'analytics.js', version: 'npm:next-1.84.3' },
      timezone: 'America/New_York',
      sessionId: session,
      locale: 'pt-BR',
      page: { url: 'https://clinic.example/book' },
    });
  });
});

describe('one bad message', () => {
  it('is rejected alone: a timestamp at the end of the Date range with a future sentAt is no 500', async () => {
    const r = await post('/v1/batch', {
      sentAt: '+275760-09-13T00:00:00.000Z',
      batch: [
        { type: 'track', event: 'Appointment Booked', anonymousId: 'a4', timestamp: '-271821-04-20T00:00:00.000Z' },
        { type: 'track', event: 'Appointment Booked', anonymousId: 'a4', timestamp: new Date().toISOString() },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body.accepted).toBe(2);
    await webhookPayloads(2);
  });

  it('fits the documented 2,500-message batch', async () => {
    const batch = Array.from({ length: 2500 }, (_, i) => ({
      type: 'track',
      event: 'Appointment Booked',
      anonymousId: `b${i}`,
      properties: { service_line: 'x' },
      context: { page: { url: 'https://clinic.example/', path: '/' } },
    }));
    const r = await post('/v1/batch', { batch });
    expect(r.body).toEqual({ accepted: 2500, rejected: [] });
    await webhookPayloads(2500);
  });

  it('never echoes a key the client chose around the batch either', async () => {
    const r = await post('/v1/batch', `{"batch":[{"type":"track","event":"x","anonymousId":"a"}],"jane@example.com":{"__proto__":1}}`);
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).not.toContain('jane');
  });

  it('is reported by schema field names only, never a key the client chose', async () => {
    const r = await post('/v1/track', { type: 'track', event: 'x', anonymousId: 'a', context: { consent: { categoryPreferences: { 'jane@example.com': 'yes' } } } });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).not.toContain('jane');
    expect(r.body.rejected[0].message).toMatch(/^context\.consent\.categoryPreferences\.\*: /);
  });
});

describe('/metrics', () => {
  it('needs the bearer token, and counts refused values by reason', async () => {
    expect((await relay.app.inject({ url: '/metrics' })).statusCode).toBe(401);
    await post('/v1/track', { type: 'track', event: 'Appointment Booked', anonymousId: 'm1', properties: { note: 'call 555-010-4477', service_line: 'x'.repeat(2000) } });
    await webhookPayloads();
    const text = (await relay.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).body;
    expect(text).toMatch(/palisade_pipeline_values_refused_total\{destination="hook",reason="looks like phone"\} \d+/);
    expect(text).toMatch(/palisade_pipeline_values_refused_total\{destination="hook",reason="too long"\} \d+/);
    expect(text).not.toContain('010-4477');
  });
});

describe('tracker inventory', () => {
  it('takes a bounded number of sightings per client, so junk cannot crowd it', async () => {
    const before = (await relay.store.listTrackers()).length;
    for (let i = 0; i < 10; i++) {
      const reports = Array.from({ length: 100 }, (_, j) => ({
        type: 'csp-violation',
        body: { documentURL: 'https://clinic.example/patients/jane-doe-1961/chart', blockedURL: `https://junk-${i}-${j}.example/x`, effectiveDirective: 'img-src' },
      }));
      await relay.app.inject({ method: 'POST', url: '/v1/csp-report', headers: { 'content-type': 'application/reports+json' }, payload: JSON.stringify(reports) });
    }
    const after = await relay.store.listTrackers();
    expect(after.length - before).toBe(50);
    // Only the page's template is kept.
    expect(JSON.stringify(after)).not.toContain('jane');
    expect(after.find((t) => t.origin.startsWith('https://junk-'))!.pages).toEqual(['/patients/:id/chart']);
  });
});

describe('behind a reverse proxy', () => {
  /** One CSP report naming its own blocked origin, sent from `remoteAddress` with X-Forwarded-For `client`. */
  const report = (r: TestRelay, remoteAddress: string, client: string, n: number) =>
    r.app.inject({
      method: 'POST',
      url: '/v1/csp-report',
      remoteAddress,
      headers: { 'content-type': 'application/reports+json', 'x-forwarded-for': client },
      payload: JSON.stringify([
        { type: 'csp-violation', body: { documentURL: 'https://clinic.example/', blockedURL: `https://proxy-${n}.example/x`, effectiveDirective: 'img-src' } },
      ]),
    });
  const proxied = async (r: TestRelay) => (await r.store.listTrackers()).filter((t) => t.origin.startsWith('https://proxy-')).length;

  it('counts per-client limits per visitor from a trusted proxy, and never trusts X-Forwarded-For from anyone else', async () => {
    const trusting = await startTestRelay(undefined, { limits: { sightingsPerMinute: 1 }, trustProxy: ['127.0.0.1'] });
    const plain = await startTestRelay(undefined, { limits: { sightingsPerMinute: 1 } });
    try {
      // Two visitors behind the trusted proxy: one sighting each, both kept.
      await report(trusting, '127.0.0.1', '203.0.113.1', 1);
      await report(trusting, '127.0.0.1', '203.0.113.2', 2);
      expect(await proxied(trusting)).toBe(2);
      // A client that is not the proxy cannot pick another budget by sending the header.
      await report(trusting, '198.51.100.7', '203.0.113.3', 3);
      await report(trusting, '198.51.100.7', '203.0.113.4', 4);
      expect(await proxied(trusting)).toBe(3);
      // Without trustProxy the proxy is one client, and the header changes nothing.
      await report(plain, '127.0.0.1', '203.0.113.1', 1);
      await report(plain, '127.0.0.1', '203.0.113.2', 2);
      expect(await proxied(plain)).toBe(1);
    } finally {
      await trusting.stop();
      await plain.stop();
    }
  });
});

describe('slow and hostile clients', () => {
  let small: TestRelay;
  beforeAll(async () => {
    small = await startTestRelay(undefined, {
      limits: { headersTimeoutMs: 500, requestTimeoutMs: 1000, keepAliveTimeoutMs: 500, bodyBudgetBytes: 64 * 1024, bodyBudgetClientBytes: 16 * 1024 },
    });
  });
  afterAll(() => small.stop());

  /** Opens a raw connection, sends `head` (and `body`), and resolves with what came back when it closed. */
  function raw(head: string, body = '', waitMs = 5000, from = '127.0.0.1'): Promise<string> {
    const { port } = new URL(small.url);
    return new Promise((resolve) => {
      let answer = '';
      const socket = connect({ port: Number(port), host: '127.0.0.1', localAddress: from }, () => socket.write(head + body));
      socket.on('data', (d) => (answer += d.toString()));
      const done = () => resolve(answer);
      socket.on('close', done);
      socket.on('error', done);
      setTimeout(() => {
        socket.destroy();
        done();
      }, waitMs);
    });
  }

  it('refuses an unknown Basic write key before reading the body', async () => {
    const bad = Buffer.from('pk_unknown_000000:').toString('base64');
    const answer = await raw(
      `POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Basic ${bad}\r\nContent-Length: 400000\r\n\r\n`,
      '{"batch":[',
      3000,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 401/);
  });

  it('ends a request whose body never completes', async () => {
    const answer = await raw(`POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: ${auth}\r\nContent-Length: 1000\r\n\r\n`, '{"batch":[', 8000);
    // Closed by the relay (408 or a bare close) well before the test's own 8 s.
    expect(answer === '' || /^HTTP\/1\.1 408/.test(answer)).toBe(true);
  });

  it('refuses new bodies once the bodies in flight reach the budget', async () => {
    const head = `POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: ${auth}\r\nContent-Length: 200000\r\n\r\n`;
    const holders = [raw(head, 'x'.repeat(40_000), 1500), raw(head, 'x'.repeat(40_000), 1500)];
    const answers = await Promise.all(holders);
    expect(answers.some((a) => /^HTTP\/1\.1 503/.test(a))).toBe(true);
  });

  it('keeps room for other clients while one client stalls bodies', async () => {
    const head = (length: number) => `POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: ${auth}\r\nContent-Length: ${length}\r\n\r\n`;
    // One address opens three bodies of 20 KB and never finishes them: 60 KB would fit the
    // 64 KB budget, and shut every other client out until the request timeout.
    const stalled = [1, 2, 3].map(() => raw(head(100_000), 'x'.repeat(20_000), 1500));
    await new Promise((r) => setTimeout(r, 200));
    const event = JSON.stringify({ batch: [{ type: 'track', event: 'Appointment Booked', anonymousId: 'other', properties: { pad: 'y'.repeat(9_000) } }] });
    const other = await raw(head(Buffer.byteLength(event)), event, 1500, '127.0.0.2');
    expect(other).toMatch(/^HTTP\/1\.1 200/);
    const answers = await Promise.all(stalled);
    expect(answers.filter((a) => /^HTTP\/1\.1 503/.test(a)).length).toBeGreaterThanOrEqual(1);
  });
});

describe('an id is acknowledged only once stored', () => {
  it('makes a resend of an id whose commit failed store it, instead of acknowledging a lost event', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-ack-'));
    const real = new SqliteStore({ path: join(dir, 'p.db'), cipher: new PayloadCipher(Buffer.alloc(32, 1)) });
    const enqueued: NewOutboxRow[][] = [];
    let failNext = true;
    let releaseFirst!: () => void;
    const firstCommitting = new Promise<void>((r) => (releaseFirst = r));
    // A Store wrapper whose first commit is slow and then fails, as a full disk would.
    const store: Store = Object.assign(Object.create(real) as Store, {
      enqueue: async (rows: NewOutboxRow[]) => {
        if (failNext) {
          failNext = false;
          await firstCommitting;
          throw new Error('disk I/O error');
        }
        enqueued.push(rows);
        return real.enqueue(rows);
      },
    });
    const config = configSchema.parse(testConfig());
    const settings = { 'ga4-main': { ...config.destinations[0]!.settings, apiSecret: 's' }, hook: { ...config.destinations[1]!.settings, secret: 's' } };
    const state = ingestState(config, activateDestinations(config, MASKING_KEY, settings));
    const app = await buildIngestServer({ state: () => state, store, metrics: createMetrics(store), logger: createLogger({ level: 'silent' }), onCommitted: () => undefined });
    const message = { type: 'track', event: 'Appointment Booked', anonymousId: 'x', messageId: 'only-once-1' };
    const send = () => app.inject({ method: 'POST', url: '/v1/track', headers: { 'content-type': 'application/json', authorization: auth }, payload: JSON.stringify(message) });
    const first = send();
    await new Promise((r) => setTimeout(r, 20));
    const second = send();
    await new Promise((r) => setTimeout(r, 20));
    releaseFirst();
    expect((await first).statusCode).toBe(503);
    expect((await second).statusCode).toBe(200);
    expect(enqueued.flat().length).toBeGreaterThan(0);
    expect((await real.stats()).outbox).toEqual({ 'ga4-main': 1, hook: 1 });
    // Stored now: a third send is a duplicate.
    expect((await send()).statusCode).toBe(200);
    expect(enqueued.filter((rows) => rows.length > 0)).toHaveLength(1);
    await app.close();
    await real.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('the site server', () => {
  let site: TestRelay;
  let root: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'palisade-site-'));
    writeFileSync(join(root, 'index.html'), '<h1>clinic</h1>');
    writeFileSync(
      join(root, 'scripts.html'),
      '<script>gtag("config")</script><script nonce="theirs" >var a = 1</script><script src="/app.js"></script><script type="speculationrules">{"prefetch":[]}</script>',
    );
    writeFileSync(join(root, 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"></svg>');
    writeFileSync(join(root, 'palisade.config.yaml'), 'masking: secret');
    mkdirSync(join(root, '.palisade'));
    writeFileSync(join(root, '.palisade', 'dev-keys.json'), '{"maskingKey":"SECRET"}');
    writeFileSync(join(root, '.env'), 'SECRET=1');
    writeFileSync(join(root, 'data.db'), 'SQLite');
    const outside = mkdtempSync(join(tmpdir(), 'palisade-outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'SECRET');
    symlinkSync(join(outside, 'secret.txt'), join(root, 'link.txt'));
    symlinkSync(outside, join(root, 'linked-dir'));
    // A symlink whose name decodes once more (`x%41.txt` -> `xA.txt`): the guard must check the file served.
    symlinkSync(join(outside, 'secret.txt'), join(root, 'x%41.txt'));
    const config = testConfig();
    config.browser = { relayOrigin: undefined, csp: { reportTo: true } } as never;
    site = await startTestRelay(config, { siteDir: root, configFile: join(root, 'palisade.config.yaml') });
  });
  afterAll(async () => {
    await site.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('marks the inline scripts of each page with a fresh nonce that the policy allows instead of unsafe-inline', async () => {
    const first = await site.app.inject({ url: '/scripts.html' });
    const second = await site.app.inject({ url: '/scripts.html' });
    const policy = String(first.headers['content-security-policy-report-only'] ?? first.headers['content-security-policy']);
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(policy)?.[1];
    expect(nonce).toBeDefined();
    expect(policy).not.toContain("'unsafe-inline'; style");
    expect(policy).toMatch(/script-src [^;]*'nonce-/);
    expect(first.body).toBe(
      `<script nonce="${nonce}">gtag("config")</script><script nonce="${nonce}" >var a = 1</script><script src="/app.js"></script><script type="speculationrules">{"prefetch":[]}</script>`,
    );
    expect(second.body).not.toContain(nonce!);
    expect(first.headers.etag).toBeUndefined();
    expect(first.headers['cache-control']).toBe('no-store');
    expect(Number(first.headers['content-length'])).toBe(Buffer.byteLength(first.body));
    // Files a frame could render as a document carry the policy too.
    const svg = await site.app.inject({ url: '/icon.svg' });
    expect(svg.headers['content-security-policy-report-only'] ?? svg.headers['content-security-policy']).toBeDefined();
    expect(svg.headers['content-security-policy']).toBeUndefined(); // the site's report-only policy alone, not the relay's
  });

  it("gives the relay's own responses a policy under which nothing loads or runs, and never lets one be sniffed", async () => {
    const responses = [
      await site.app.inject({ url: '/healthz' }),
      await site.app.inject({ url: '/palisade.js' }),
      await site.app.inject({ url: '/v1/no-such-route' }),
      await site.app.inject({ method: 'POST', url: '/v1/batch', headers: { 'content-type': 'text/plain' }, payload: '<script>alert(1)</script>' }),
    ];
    for (const r of responses) {
      expect(r.headers['content-security-policy']).toBe(RELAY_RESPONSE_POLICY);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }
    const page = await site.app.inject({ url: '/scripts.html' });
    expect(page.headers['content-security-policy']).toBeUndefined();
    expect(page.headers['content-security-policy-report-only']).toMatch(/script-src/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('never serves dotfiles, config, databases or files behind symlinks; odd paths are 404, not 500', async () => {
    expect((await site.app.inject({ url: '/' })).statusCode).toBe(200);
    for (const url of [
      '/.palisade/dev-keys.json',
      '/.env',
      '/%2epalisade/dev-keys.json',
      '/palisade.config.yaml',
      '/palisade.config',
      '/data.db',
      '/link.txt',
      '/linked-dir/secret.txt',
      '/x%2541.txt',
      '/xA.txt',
      '/..%2f..%2fetc%2fpasswd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/a%00b',
      '/%E0%A4%A',
      '/....//....//etc/passwd',
    ]) {
      const r = await site.app.inject({ url });
      // Malformed percent-encoding is a bad request (400); everything else is simply not found.
      expect([400, 404], url).toContain(r.statusCode);
      expect(r.body, url).not.toContain('SECRET');
    }
  });

  it('names only configured origins in Reporting-Endpoints, never the Host header', async () => {
    const evil = await site.app.inject({ url: '/', headers: { host: 'evil.example' } });
    expect(evil.headers['reporting-endpoints']).toBeUndefined();
    const ok = await site.app.inject({ url: '/', headers: { host: 'clinic.example' }, protocol: 'https' } as never);
    expect(String(ok.headers['reporting-endpoints'] ?? '')).not.toContain('evil');
  });

  it('refuses a large demo form body', async () => {
    const r = await site.app.inject({
      method: 'POST',
      url: '/demo/thank-you',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `a=${'x'.repeat(200_000)}`,
    });
    expect(r.statusCode).toBe(413);
  });

  it('refuses to start when the data directory lies inside the site', async () => {
    await expect(startTestRelay(undefined, { siteDir: tmpdir() })).rejects.toThrow(/data directory .* lies inside it/);
  });
});
