#!/usr/bin/env node
// `npm run bench`: the relay beside a bare node:http server, measured in one run on this machine.
// Prints a table; nothing here asserts on time. Traffic goes only to 127.0.0.1.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { runPipelineBench } from './pipeline-bench.mjs';
import { printAdsTable, runAdsBench } from './ads-bench.mjs';
import { printScanTable, runScanBench } from './scan-bench.mjs';
import { printDefinitionsTable, runDefinitionsBench } from './definitions-bench.mjs';
import { printDeliveryTable, runDeliveryBench } from './delivery-bench.mjs';
import { child, metricsText, peakRssMb, startBenchRelay } from './relay-process.mjs';
import { printHardeningTable, runHardeningBench } from './hardening-bench.mjs';
import { printSdkTable, runSdkBench } from './sdk-bench.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const WRITE_KEY = 'pk_bench_0123456789';
const auth = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;

/** One visitor's event; an SDK batch holds one visitor's events, as here. */
function message(id, visitor = 1) {
  return {
    type: 'track',
    event: 'Appointment Booked',
    messageId: `m-${id}`,
    anonymousId: `anon-${visitor}`,
    userId: `patient-${visitor}`,
    timestamp: new Date().toISOString(),
    properties: { service_line: 'behavioral-health', clinic_id: 'north-7', email: 'jane@example.com', reason: 'anxiety', price: 120 },
    context: {
      ip: '203.0.113.9',
      userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
      page: {
        url: 'https://clinic.example/appointments/48213/confirm?email=jane%40example.com&utm_source=google',
        referrer: 'https://www.google.com/search?q=anxiety',
        title: 'Confirm',
      },
      library: { name: 'bench', version: '1' },
    },
  };
}
// Every request gets fresh message ids (the relay acknowledges a repeated id without queueing it
// again, so a constant body would measure nothing): `__N__` is replaced per request.
const single = JSON.stringify(message('__N__'));
const batch20 = JSON.stringify({ batch: Array.from({ length: 20 }, (_, i) => message(`__N__-${i}`)) });

/**
 * Drives `url` with wrk (C, light enough to leave the server the CPU it needs) for `seconds`,
 * 64 connections, one thread; a Lua script gives every request fresh message ids.
 */
function load(url, template, seconds = DURATION) {
  const bodyFile = join(tmpdir(), `palisade-bench-body-${process.pid}.json`);
  writeFileSync(bodyFile, template);
  const out = execFileSync('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', '-s', join(root, 'bench/wrk-unique.lua'), url], {
    env: { ...process.env, WRK_BODY_FILE: bodyFile, WRK_AUTH: auth },
    encoding: 'utf8',
  });
  rmSync(bodyFile, { force: true });
  const total = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const ms = (label) => {
    const m = new RegExp(`\\s${label}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    if (!m) return NaN;
    return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
  };
  return {
    ok: total - non2xx,
    seconds,
    p50: ms('50'),
    p99: ms('99'),
    errors: non2xx + (errors ? errors.slice(1).reduce((a, b) => a + Number(b), 0) : 0),
  };
}

/** Rows waiting in the outbox, from the relay's own metrics. */
async function backlog(url) {
  const text = await metricsText(url);
  return [...text.matchAll(/^palisade_outbox_events\{[^}]*queue="outbox"[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

/** After a load, how fast delivery empties the outbox (both destinations, rows per second). */
async function drain(url) {
  const start = performance.now();
  const rows = await backlog(url);
  let left = rows;
  while (left > 0 && performance.now() - start < 120_000) {
    await new Promise((r) => setTimeout(r, 100));
    left = await backlog(url);
  }
  const seconds = (performance.now() - start) / 1000;
  return { rows, seconds, rate: rows / seconds, left };
}

async function measure(label, url, events, body) {
  load(url, body, 2); // warm-up: JIT, connection pools, SQLite pages
  const r = load(url, body);
  const rps = r.ok / r.seconds;
  return { label, events, rps, eventsPerSec: rps * events, p50: r.p50, p99: r.p99, errors: r.errors };
}

const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

function requireWrk() {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
  } catch (error) {
    // wrk prints its version and exits 1; only a missing binary matters.
    if (error.code === 'ENOENT') {
      console.error('npm run bench needs wrk, the HTTP load generator: apt-get install -y wrk');
      process.exit(1);
    }
  }
}

async function main() {
  requireWrk();
  const dir = mkdtempSync(join(tmpdir(), 'palisade-bench-'));
  const sink = await child(join(root, 'bench/vendor-sink.mjs'));
  const config = {
    environments: { production: { writeKey: WRITE_KEY } },
    masking: { key: 'env:PALISADE_MASKING_KEY' },
    // drain() reads the backlog from /metrics, which is served only with a token.
    metrics: { token: 'env:PALISADE_METRICS_TOKEN' },
    destinations: [
      {
        id: 'ga4',
        type: 'ga4',
        settings: { measurementId: 'G-BENCH1234', apiSecret: 'env:GA4_API_SECRET', endpoint: `http://127.0.0.1:${sink.port}/ga4` },
        allow: { production: { events: ['Appointment Booked'], eventProperties: { service_line: 'allow', clinic_id: 'allow', email: 'mask', price: 'allow' } } },
      },
      {
        id: 'hook',
        type: 'webhook',
        consent: 'none',
        settings: { url: `http://127.0.0.1:${sink.port}/hook`, secret: 'env:WEBHOOK_SECRET' },
        allow: { production: { events: ['Appointment Booked'], eventProperties: { service_line: 'allow' } } },
      },
    ],
  };
  const configPath = join(dir, 'bench.yaml');
  writeFileSync(configPath, stringify(config));

  const rows = [];
  const bare = await child(join(root, 'bench/bare-server.mjs'));
  const bareUrl = `http://127.0.0.1:${bare.port}`;
  rows.push(await measure('bare node:http, 1 event/request', bareUrl, 1, single));
  rows.push(await measure('bare node:http, 20 events/request', bareUrl, 20, batch20));
  const bareRss = peakRssMb(bare.proc.pid);
  bare.proc.kill();
  const floor = await child(join(root, 'bench/floor-server.mjs'));
  const floorUrl = `http://127.0.0.1:${floor.port}`;
  rows.push(await measure('floor (masks, AES-GCM, durable insert; nothing else), 1 event/request', floorUrl, 1, single));
  rows.push(await measure('floor, 20 events/request', floorUrl, 20, batch20));
  floor.proc.kill('SIGTERM');

  const port = 18_000 + Math.floor(Math.random() * 2000);
  const { proc: relay, url: relayUrl } = await startBenchRelay(root, { configPath, dataDir: join(dir, 'data'), port, secrets: ['GA4_API_SECRET', 'WEBHOOK_SECRET'] });
  rows.push(await measure('relay, 1 event/request', `${relayUrl}/v1/track`, 1, single));
  await drain(relayUrl);
  rows.push(await measure('relay, 20 events/request', `${relayUrl}/v1/batch`, 20, batch20));
  const drained = await drain(relayUrl);
  const relayRss = peakRssMb(relay.pid);
  relay.kill('SIGTERM');
  sink.proc.kill();

  const pipeline = runPipelineBench(root);

  const bareSingle = rows[0].rps;
  const bareBatch = rows[1].rps;
  const floorSingle = rows[2].rps;
  const floorBatch = rows[3].rps;
  console.log(`\nPalisade relay ingest benchmark (${new Date().toISOString()})`);
  console.log(
    `machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}; wrk, 1 thread, ${CONNECTIONS} connections, ${DURATION} s per row after 2 s warm-up, fresh message ids per request`,
  );
  console.log('relay: two destinations (GA4 + webhook, delivering to a local sink), SQLite WAL synchronous=FULL, AES-256-GCM outbox\n');
  console.log('| scenario | requests/s | events/s | p50 ms | p99 ms | errors | vs bare node | vs floor |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const base = r.events === 1 ? bareSingle : bareBatch;
    const under = r.events === 1 ? floorSingle : floorBatch;
    console.log(
      `| ${r.label} | ${fmt(r.rps)} | ${fmt(r.eventsPerSec)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${r.errors} | ${fmt(r.rps / base, 2)}x | ${fmt(r.rps / under, 2)}x |`,
    );
  }
  console.log('\n| measure | value |');
  console.log('|---|---:|');
  console.log(`| pipeline events/s per core (transform, then recheck + mapping + GA4 format, one destination) | ${fmt(pipeline.transformsPerSec)} |`);
  console.log(`| pipeline transforms/s per core (both destinations per event) | ${fmt(pipeline.eventsPerSecBoth)} events |`);
  console.log(`| outbox rows left after the batch run (both destinations) | ${fmt(drained.rows)} |`);
  console.log(`| delivery drain rate afterwards, to the local sink | ${fmt(drained.rate)} rows/s${drained.left > 0 ? ` (${drained.left} left after 120 s)` : ''} |`);
  console.log(`| peak RSS, relay | ${fmt(relayRss, 1)} MB |`);
  console.log(`| peak RSS, bare node:http | ${fmt(bareRss, 1)} MB |`);
  console.log('\ntargets: relay >= 0.35x bare node on 1 event/request; >= 20,000 events/s with 20-event batches');
  console.log(
    'floor: what masking, encryption and a durable insert alone cost on node:http in one thread (bench/floor-server.mjs); the relay adds validation, reduction, allowlists, vendor mapping and concurrent delivery',
  );
  rmSync(dir, { recursive: true, force: true });

  printHardeningTable(await runHardeningBench(root));
  printDeliveryTable(await runDeliveryBench(root));
  printAdsTable(await runAdsBench(root));
  printSdkTable(await runSdkBench(root));
  printScanTable(await runScanBench(root));
  printDefinitionsTable(await runDefinitionsBench());
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
