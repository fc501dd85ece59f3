// The relay under hostile load, in process on 127.0.0.1: the worst-case time of one request
// through the PHI screen (the largest accepted body, built against every pattern), and ingest
// latency while /metrics is scraped in a loop over a large outbox backlog. Prints a table.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 200_000);
const WRITE_KEY = 'pk_bench_0123456789';
const TOKEN = 'bench-metrics-token-0123456789';
const auth = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;

/** ~480 KB of allowed properties, each value at the length limit, each against one detector. */
function hostileBody() {
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
    '\uFDFA'.repeat(1024),
    '0 '.repeat(512),
    '%2525252541'.repeat(93),
    '12 34 '.repeat(170),
    'апреля '.repeat(146),
    'a=YUBiLmNv '.repeat(93),
    '1,2|'.repeat(256),
    'ab@cd dot '.repeat(102),
    'd::'.repeat(341),
    '年1'.repeat(512),
  ];
  const properties = {};
  for (let i = 0; Buffer.byteLength(JSON.stringify(properties)) < 480 * 1024; i++) properties[`p${i}`] = hostile[i % hostile.length];
  return JSON.stringify({ type: 'track', event: 'Appointment Booked', anonymousId: 'a', properties });
}

export async function runHardeningBench(root) {
  const relayLib = await import(pathToFileURL(join(root, 'packages/relay/dist/index.js')).href);
  const dir = mkdtempSync(join(tmpdir(), 'palisade-hbench-'));
  const body = hostileBody();
  const props = Object.keys(JSON.parse(body).properties);
  const config = relayLib.parseConfig({
    environments: { production: { writeKey: WRITE_KEY, allowedOrigins: ['https://clinic.example'] } },
    masking: { key: 'env:K' },
    destinations: [
      {
        id: 'hook',
        type: 'webhook',
        consent: 'none',
        settings: { url: 'http://127.0.0.1:9/x', secret: 'env:S' },
        allow: { production: { events: ['Appointment Booked'], eventProperties: Object.fromEntries(props.map((p) => [p, 'allow'])) } },
        delivery: { retryBaseMs: 3_600_000, retryMaxMs: 3_600_000 },
      },
    ],
  });
  const relay = await relayLib.startRelay({
    config,
    maskingKey: Buffer.alloc(32, 7),
    settings: { hook: { url: 'http://127.0.0.1:9/x', secret: 's' } },
    dataKey: Buffer.alloc(32, 9),
    dataDir: join(dir, 'data'),
    port: 0,
    logger: relayLib.createLogger({ level: 'silent' }),
    metricsToken: TOKEN,
    pollMs: 3_600_000,
  });
  const post = (payload) => relay.app.inject({ method: 'POST', url: '/v1/track', headers: { 'content-type': 'application/json', authorization: auth }, payload });
  const times = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    const r = await post(body);
    if (r.statusCode !== 200) throw new Error(`hostile body answered ${r.statusCode}`);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);

  // A backlog the vendor (port 9, closed) never drains, then ingest timed while two clients scrape.
  const rows = Array.from({ length: 5000 }, (_, i) => ({ destinationId: 'hook', eventId: `b${i}`, batchKey: '', payload: { n: i } }));
  for (let n = 0; n < BACKLOG; n += rows.length) await relay.store.enqueue(rows.map((r) => ({ ...r, eventId: `${r.eventId}-${n}` })));
  let scraping = true;
  let scrapes = 0;
  const scraper = async () => {
    while (scraping) {
      await fetch(`${relay.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.text());
      scrapes++;
    }
  };
  const scrapers = [scraper(), scraper()];
  const latencies = [];
  const small = JSON.stringify({ type: 'track', event: 'Appointment Booked', anonymousId: 'a', properties: { p0: 'cardiology' } });
  for (let i = 0; i < 200; i++) {
    const started = performance.now();
    await fetch(`${relay.url}/v1/track`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body: small });
    latencies.push(performance.now() - started);
  }
  scraping = false;
  await Promise.all(scrapers);
  latencies.sort((a, b) => a - b);
  const stats = await relay.store.stats();
  await relay.stop();
  rmSync(dir, { recursive: true, force: true });
  const pct = (list, p) => list[Math.min(list.length - 1, Math.floor(list.length * p))];
  return {
    bodyBytes: Buffer.byteLength(body),
    values: props.length,
    screenMedian: pct(times, 0.5),
    screenMax: times.at(-1),
    backlog: stats.outbox.hook ?? 0,
    scrapes,
    ingestP50: pct(latencies, 0.5),
    ingestP99: pct(latencies, 0.99),
    ingestMax: latencies.at(-1),
  };
}

export function printHardeningTable(r) {
  const f = (n) => n.toFixed(1);
  console.log('\nRelay under hostile load (in process, 127.0.0.1)\n');
  console.log('| measure | value |');
  console.log('|---|---:|');
  console.log(
    `| worst-case PHI screen request: ${(r.bodyBytes / 1024).toFixed(0)} KB body, ${r.values} allowed values built against every pattern, median of 20 | ${f(r.screenMedian)} ms |`,
  );
  console.log(`| same, slowest of 20 | ${f(r.screenMax)} ms |`);
  console.log(
    `| ingest latency p50 / p99 / max, 200 sequential requests, 2 clients scraping /metrics in a loop, ${r.backlog.toLocaleString('en-US')} rows queued (${r.scrapes} scrapes) | ${f(r.ingestP50)} / ${f(r.ingestP99)} / ${f(r.ingestMax)} ms |`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = new URL('..', import.meta.url).pathname;
  printHardeningTable(await runHardeningBench(root));
}
