#!/usr/bin/env node
// `npm run bench:ads`: end-to-end delivery with every destination on. The relay process (real
// SQLite, real delivery workers) takes authorized bookings with click ids and contact details,
// and delivers each to GA4, the webhook and the five ad platforms (a local sink answers for all
// of them). Measured: events/s from the first POST until every destination has had every event
// delivered (the relay's own delivery counter),
// and the relay's peak RSS. Prints a table; asserts nothing. Traffic goes only to 127.0.0.1.
// BENCH_ADS_EVENTS sets the number of events; BENCH_PROFILE=DIR writes the relay's CPU profiles there.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { DEMO_AD_SECRETS } from '../packages/cli/dist/commands/start.js';
import { child, metricsText, peakRssMb, startBenchRelay } from './relay-process.mjs';

const EVENTS = Number(process.env.BENCH_ADS_EVENTS ?? 20_000);
const PER_REQUEST = 100;
const CONCURRENCY = 8;
const WRITE_KEY = 'pk_bench_0123456789';
/** The config names the demo's secret names for the ad platforms. */
const SECRETS = ['GA4_API_SECRET', 'WEBHOOK_SECRET', ...DEMO_AD_SECRETS];

function config(sink) {
  const allow = { production: { events: ['Appointment Booked'], eventProperties: { service_line: 'allow', value: 'allow', currency: 'allow', email: 'mask' } } };
  const ads = { consent: 'advertising', identifiers: { clickIds: 'with-authorization', contactHashes: 'with-authorization' }, allow };
  const conversions = { events: { 'Appointment Booked': '987' } };
  return {
    environments: { production: { writeKey: WRITE_KEY, allowedOrigins: ['https://clinic.example'] } },
    masking: { key: 'env:PALISADE_MASKING_KEY' },
    // The bench reads delivery progress from /metrics, which is served only with a token.
    metrics: { token: 'env:PALISADE_METRICS_TOKEN' },
    destinations: [
      { id: 'ga4', type: 'ga4', allow, settings: { measurementId: 'G-BENCH1234', apiSecret: 'env:GA4_API_SECRET', endpoint: `${sink}/ga4` } },
      { id: 'hook', type: 'webhook', consent: 'none', allow, settings: { url: `${sink}/hook`, secret: 'env:WEBHOOK_SECRET' } },
      { id: 'meta', type: 'meta', ...ads, settings: { pixelId: '1234567890', accessToken: 'env:META_ACCESS_TOKEN', endpoint: `${sink}/meta` } },
      {
        id: 'google-ads',
        type: 'google-ads',
        ...ads,
        mapping: conversions,
        settings: {
          customerId: '1234567890',
          developerToken: 'env:GOOGLE_ADS_DEVELOPER_TOKEN',
          clientId: 'bench',
          clientSecret: 'env:GOOGLE_ADS_CLIENT_SECRET',
          refreshToken: 'env:GOOGLE_ADS_REFRESH_TOKEN',
          endpoint: `${sink}/google-ads`,
          tokenUrl: `${sink}/google-ads/token`,
        },
      },
      { id: 'tiktok', type: 'tiktok', ...ads, settings: { pixelCode: 'C4BENCH12345', accessToken: 'env:TIKTOK_ACCESS_TOKEN', endpoint: `${sink}/tiktok` } },
      { id: 'linkedin', type: 'linkedin', ...ads, mapping: conversions, settings: { accessToken: 'env:LINKEDIN_ACCESS_TOKEN', endpoint: `${sink}/linkedin` } },
      { id: 'microsoft-ads', type: 'microsoft-ads', ...ads, settings: { tagId: '187000123', accessToken: 'env:UET_ACCESS_TOKEN', endpoint: `${sink}/microsoft` } },
    ],
  };
}

function booking(id) {
  return {
    type: 'track',
    event: 'Appointment Booked',
    messageId: `ads-${id}`,
    anonymousId: `anon-${id % 500}`,
    userId: `patient-${id % 500}`,
    timestamp: new Date().toISOString(),
    properties: { service_line: 'cardiology', value: 120, currency: 'USD', email: `patient${id % 500}@example.com`, phone: '(555) 010-4477' },
    context: {
      page: { url: 'https://clinic.example/book?utm_source=google' },
      userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      clickIds: {
        gclid: 'Cj0KCQiAbenchGclid000000',
        fbc: 'fb.1.1795000000000.IwARbenchFbclid00000',
        ttclid: 'E.C.P.benchTtclid000000',
        li_fat_id: 'be0c0000-0000-4000-8000-000000000001',
        msclkid: 'be0c00000000000000000000000000ff',
      },
      consent: { categoryPreferences: { analytics: true, advertising: true, authorization: true } },
    },
  };
}

/** Events the relay has acknowledged to the vendors, and rows still waiting, from its own metrics. */
async function progress(url) {
  const text = await metricsText(url);
  const sum = (pattern) => [...text.matchAll(pattern)].reduce((n, m) => n + Number(m[1]), 0);
  return {
    delivered: sum(/^palisade_delivery_events_total\{[^}]*outcome="delivered"[^}]*\} (\d+)/gm),
    waiting: sum(/^palisade_outbox_events\{[^}]*queue="outbox"[^}]*\} (\d+)/gm),
  };
}

export async function runAdsBench(root) {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-ads-bench-'));
  const sink = await child(join(root, 'bench/vendor-sink.mjs'));
  const configPath = join(dir, 'ads.yaml');
  writeFileSync(configPath, stringify(config(`http://127.0.0.1:${sink.port}`)));
  const port = 20_000 + Math.floor(Math.random() * 2000);
  const { proc: relay, url } = await startBenchRelay(root, { configPath, dataDir: join(dir, 'data'), port, secrets: SECRETS, profileDir: process.env.BENCH_PROFILE });
  const auth = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;
  const started = performance.now();
  let next = 0;
  let refused = 0;
  const lane = async () => {
    while (next < EVENTS) {
      const first = next;
      next += PER_REQUEST;
      const batch = Array.from({ length: Math.min(PER_REQUEST, EVENTS - first) }, (_, i) => booking(first + i));
      const r = await fetch(`${url}/v1/batch`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ batch }) });
      if (!r.ok) refused += batch.length;
      await r.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  const ingested = (performance.now() - started) / 1000;
  // Done when every destination has had every event acknowledged by the (local) vendor.
  const expected = (EVENTS - refused) * 7;
  let state = await progress(url);
  while (state.delivered < expected && performance.now() - started < 300_000) {
    await new Promise((r) => setTimeout(r, 20));
    state = await progress(url);
  }
  const seconds = (performance.now() - started) / 1000;
  const left = expected - state.delivered;
  const rss = peakRssMb(relay.pid);
  relay.kill('SIGTERM');
  sink.proc.kill();
  rmSync(dir, { recursive: true, force: true });
  return { events: EVENTS, destinations: 7, ingested, seconds, left, refused, rss };
}

export function printAdsTable(r) {
  const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  console.log(
    `\nEnd-to-end delivery, every destination on (${r.destinations}: GA4, webhook, Meta, Google Ads, TikTok, LinkedIn, Microsoft; authorized events with click ids and contacts)\n`,
  );
  console.log('| measure | value |');
  console.log('|---|---:|');
  console.log(`| events posted (${PER_REQUEST} per request, ${CONCURRENCY} at a time) | ${fmt(r.events)}${r.refused > 0 ? ` (${fmt(r.refused)} refused)` : ''} |`);
  console.log(`| ingest time | ${fmt(r.ingested, 2)} s |`);
  console.log(`| time until every destination had every event | ${fmt(r.seconds, 2)} s${r.left > 0 ? ` (${fmt(r.left)} deliveries missing after 300 s)` : ''} |`);
  console.log(`| end-to-end throughput | ${fmt(r.events / r.seconds)} events/s (${fmt((r.events * r.destinations) / r.seconds)} deliveries/s) |`);
  console.log(`| peak RSS, relay | ${fmt(r.rss, 1)} MB |`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  printAdsTable(await runAdsBench(fileURLToPath(new URL('..', import.meta.url))));
}
