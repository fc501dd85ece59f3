#!/usr/bin/env node
// `npm run bench:delivery`: vendor requests per second through the relay's HTTP client (undici,
// packages/relay/src/delivery/http-send.ts) beside a plain node:http keep-alive client, against a
// local vendor stand-in. Same bodies, same concurrency, one process. Prints a table; asserts nothing.
import { Agent, createServer, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const TOTAL = Number(process.env.BENCH_REQUESTS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

/** The node:http client the relay used before undici (keep-alive agent, idle timeout only). */
function nodeHttpSend() {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  return (outbound, timeoutMs) =>
    new Promise((resolve, reject) => {
      const body = Buffer.from(outbound.body);
      const req = httpRequest(
        outbound.url,
        { method: outbound.method, headers: { ...outbound.headers, 'content-length': String(body.length) }, agent, timeout: timeoutMs },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(body);
    });
}

async function measure(send, url, body) {
  let next = 0;
  let failed = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < TOTAL) {
      next++;
      const r = await send({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body }, 10_000);
      if (r.status !== 204) failed++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: TOTAL / seconds, failed };
}

export async function runDeliveryBench(root) {
  const { createHttpSend } = await import(pathToFileURL(join(root, 'packages/relay/dist/delivery/http-send.js')).href);
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/mp/collect?measurement_id=G-BENCH&api_secret=s`;
  // A GA4 request of 25 events, about 6 KB.
  const body = JSON.stringify({
    client_id: 'k1:abc',
    events: Array.from({ length: 25 }, (_, i) => ({ name: 'appointment_booked', params: { session_id: 1, engagement_time_msec: 100, service_line: 'cardiology', i } })),
  });
  const clients = [
    ['node:http, keep-alive agent (before)', nodeHttpSend()],
    ['undici, pool per origin, overall deadline (now)', createHttpSend()],
  ];
  const results = [];
  for (const [, send] of clients) await measure(send, url, body); // warm-up round
  for (const [name, send] of clients) results.push([name, await measure(send, url, body)]);
  server.close();
  return results;
}

export function printDeliveryTable(results) {
  console.log(`\nVendor requests through the delivery HTTP client (${TOTAL.toLocaleString('en-US')} requests of ~6 KB, ${CONCURRENCY} in flight, local stand-in)\n`);
  console.log('| client | requests/s | failed | vs node:http |');
  console.log('|---|---:|---:|---:|');
  const base = results[0][1].perSecond;
  for (const [name, r] of results) console.log(`| ${name} | ${Math.round(r.perSecond).toLocaleString('en-US')} | ${r.failed} | ${(r.perSecond / base).toFixed(2)}x |`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = join(import.meta.dirname, '..');
  printDeliveryTable(await runDeliveryBench(root));
}
