/**
 * Event definitions through the real relay: a `$click` in, the named event out to GA4 (a loopback
 * HTTP server standing in for Google), and `POST /admin/definitions/test` over the latest
 * autotrack events.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, testConfig, WRITE_KEY, type TestRelay } from './relay.fixture.js';

const ADMIN_TOKEN = 'test-admin-token-0123456789';
const CHAIN = 'a.btn:nth-of-type(1)[href=/book.html] < p:nth-of-type(1) < main:nth-of-type(1) < body:nth-of-type(1)';

let relay: TestRelay;
let vendor: Server;
const received: Array<{ name: string; params: Record<string, unknown> }> = [];

beforeAll(async () => {
  vendor = createServer((request, response) => {
    let body = '';
    request.on('data', (c) => (body += c));
    request.on('end', () => {
      for (const e of (JSON.parse(body) as { events: Array<{ name: string; params: Record<string, unknown> }> }).events) received.push(e);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => vendor.listen(0, '127.0.0.1', resolve));
  const config = testConfig(`http://127.0.0.1:${(vendor.address() as AddressInfo).port}`);
  config.definitions = [
    { name: 'Book Clicked', on: 'click', selector: 'main a[href^="/book"]', text: 'book*' },
    { name: 'Portal Book Clicked', on: 'click', selector: 'a', url: '/portal*' },
  ];
  config.destinations![0]!.allow!.production!.events = ['Book Clicked', '$click'];
  relay = await startTestRelay(config, { adminToken: ADMIN_TOKEN });
});
afterAll(async () => {
  await relay?.stop();
  vendor?.close();
});

async function post(url: string, body: unknown, authorization = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`) {
  const r = await relay.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', authorization }, payload: JSON.stringify(body) });
  return { status: r.statusCode, body: r.json() };
}

const click = (messageId: string, text: string, path = '/find-a-doctor.html') => ({
  type: 'track',
  event: '$click',
  messageId,
  anonymousId: 'visitor-1',
  properties: { $elements: CHAIN, $text: text },
  context: { page: { path, url: `https://clinic.example${path}` } },
});

describe('definitions at ingest', () => {
  it('emit the named event beside the autotrack event, allowlisted like any event, once per message id', async () => {
    expect((await post('/v1/batch', { batch: [click('c-1', 'Book an appointment'), click('c-2', 'Directions')] })).status).toBe(200);
    // a resend of the same message is acknowledged without a second named event
    expect((await post('/v1/batch', { batch: [click('c-1', 'Book an appointment')] })).status).toBe(200);
    const deadline = Date.now() + 10_000;
    while (received.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    const names = received.map((e) => e.name).sort();
    // GA4's connector makes names GA4-shaped (book_clicked, click).
    expect(names).toEqual(['book_clicked', 'click', 'click']);
    // The named event carries no property the allowlist did not admit (the chain and text stay home).
    const booked = received.find((e) => e.name === 'book_clicked')!;
    expect(JSON.stringify(booked.params)).not.toContain('Book an appointment');
    expect(JSON.stringify(booked.params)).not.toContain('a.btn');
  });
});

describe('POST /admin/definitions/test', () => {
  const test = (body: unknown, token = ADMIN_TOKEN) => post('/admin/definitions/test', body, `Bearer ${token}`);

  it('answers only the admin token', async () => {
    expect((await test({ definitions: [{ name: 'X', on: 'click' }] }, 'wrong-token-0123456789')).status).toBe(401);
  });

  it('shows matches and unmatched chains with page templates, never text or values', async () => {
    await post('/v1/batch', { batch: [click('c-3', 'Book now', '/patients/jane-doe-1234/visits')] });
    const r = await test({
      definitions: [
        { name: 'Book Clicked', on: 'click', selector: 'main a', text: 'book*' },
        { name: 'Nothing', on: 'submit', selector: 'form' },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body.recent).toBe(3);
    expect(r.body.definitions).toEqual([
      {
        name: 'Book Clicked',
        on: 'click',
        matched: 2,
        examples: [
          { on: 'click', elements: CHAIN, page: '/find-a-doctor.html' },
          { on: 'click', elements: CHAIN, page: '/patients/...' },
        ],
      },
      { name: 'Nothing', on: 'submit', matched: 0, examples: [] },
    ]);
    expect(r.body.unmatched).toEqual([{ on: 'click', elements: CHAIN, page: '/find-a-doctor.html', count: 1 }]);
    const text = JSON.stringify(r.body);
    expect(text).not.toContain('Directions');
    expect(text).not.toContain('jane');
  });

  it('refuses a definition outside the schema with the reason', async () => {
    const r = await test({ definitions: [{ name: 'X', on: 'click', selector: 'a:hover' }] });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/definitions\[0\]\.selector: not a supported selector/);
  });
});
