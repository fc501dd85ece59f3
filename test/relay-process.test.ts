/**
 * The real relay process, the real SQLite store, a vendor sandbox on loopback: acknowledged
 * events arrive de-identified, survive vendor outages and SIGKILL, and refused ones can be replayed.
 */
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '@palisade/vendor-sandbox';
import {
  DATA_KEY,
  GA4_SECRET,
  MASKING_KEY,
  WEBHOOK_SECRET,
  e2eConfig,
  ga4Events,
  post,
  removeDir,
  runCli,
  startE2eSandbox,
  startRelayProcess,
  tempDir,
  waitFor,
  webhookEvents,
  writeConfig,
  cliEnv,
  type RelayProcess,
} from './helpers/processes.js';

const CANARIES = ['jane.canary@example.com', 'Janet Canaryworth', '078-05-1120', '198.51.100.77', 'MRN-88231947', '1961-04-12', '(555) 010-4477'];

let sandbox: Sandbox;
let dir: string;
let relay: RelayProcess | undefined;
const responses: string[] = [];
const outputs: string[] = [];

beforeAll(async () => {
  sandbox = await startE2eSandbox();
});
afterAll(async () => {
  await sandbox.stop();
});
afterEach(async () => {
  if (relay) {
    await relay.stop();
    outputs.push(relay.output());
    relay = undefined;
  }
  sandbox.recorder.clear();
  sandbox.faults.clear();
  removeDir(dir);
});

async function start(delivery: Record<string, unknown> = {}) {
  dir = tempDir();
  const configPath = writeConfig(dir, e2eConfig(sandbox.url, delivery));
  relay = await startRelayProcess(configPath, `${dir}/data`);
  return { configPath, dataDir: `${dir}/data` };
}

function phiTrack(seq: number) {
  return {
    type: 'track',
    event: 'Appointment Booked',
    messageId: `m-${seq}`,
    userId: CANARIES[0],
    anonymousId: `anon-${seq}`,
    properties: { seq, service_line: 'behavioral-health', email: CANARIES[0], patient_name: CANARIES[1], ssn: CANARIES[2], dob: CANARIES[5] },
    context: {
      ip: CANARIES[3],
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
      page: {
        url: `https://clinic.example/patients/${CANARIES[4]}/book?name=${encodeURIComponent(CANARIES[1]!)}&phone=${encodeURIComponent(CANARIES[6]!)}`,
        title: `Booking for ${CANARIES[1]}`,
      },
    },
  };
}

async function send(events: unknown[]) {
  const r = await post(`${relay!.url}/v1/batch`, { batch: events });
  responses.push(r.text);
  expect(r.status).toBe(200);
  expect(JSON.parse(r.text)).toEqual({ accepted: events.length, rejected: [] });
}

describe('relay process end to end', () => {
  it('delivers acknowledged events, masked and allowlisted, to GA4 and the webhook', async () => {
    await start();
    await send([phiTrack(1), phiTrack(2), { type: 'page', anonymousId: 'anon-1', properties: { seq: 3 } }, { type: 'track', event: 'Not Allowed', anonymousId: 'x' }]);
    const ga4 = await waitFor(async () => {
      const got = ga4Events(sandbox.recorder.list('ga4'));
      return got.length === 3 ? got : undefined;
    }, 'GA4 events');
    const hook = await waitFor(async () => {
      const got = webhookEvents(sandbox.recorder.list('webhook'));
      return got.length === 2 ? got : undefined;
    }, 'webhook events');
    expect(ga4.map((e) => e.name).sort()).toEqual(['appointment_booked', 'appointment_booked', 'page_view']);
    const booked = ga4.find((e) => e.params.seq === 1)!;
    expect(Object.keys(booked.params).sort()).toEqual(['email', 'engagement_time_msec', 'page_location', 'seq', 'service_line', 'session_id']);
    expect(booked.params.page_location).toBe('https://clinic.example/patients/:id/book');
    expect(booked.user_id).toMatch(/^k1:[A-Za-z0-9_-]{43}$/);
    expect(booked.client_id).toMatch(/^k1:/);
    for (const r of sandbox.recorder.list('ga4')) {
      expect(r.validation).toEqual({ validationMessages: [], apiSecretValid: true });
    }
    expect(hook.map((e) => e.properties)).toEqual([
      { seq: 1, service_line: 'behavioral-health' },
      { seq: 2, service_line: 'behavioral-health' },
    ]);
    // Per-destination keys: the same user has different masked ids at each vendor.
    expect(hook[0]!.userId).not.toBe(booked.user_id);
    const everything = JSON.stringify(sandbox.recorder.list());
    for (const canary of CANARIES) expect(everything).not.toContain(canary);
  });

  it('keeps retrying while the vendor answers 503, then delivers everything', async () => {
    await start();
    sandbox.faults.add({ vendor: 'ga4', status: 503, times: 4 });
    sandbox.faults.add({ vendor: 'webhook', status: 503, times: 2, retryAfterSeconds: 0 });
    await send(Array.from({ length: 10 }, (_, i) => phiTrack(i)));
    const ga4 = await waitFor(async () => {
      const got = ga4Events(sandbox.recorder.list('ga4'));
      return got.length >= 10 ? got : undefined;
    }, 'GA4 recovery');
    expect(new Set(ga4.map((e) => e.params.seq)).size).toBe(10);
    await waitFor(async () => webhookEvents(sandbox.recorder.list('webhook')).length >= 10, 'webhook recovery');
    expect(sandbox.faults.list()).toEqual([]);
  });

  it('times out a vendor that hangs and delivers on the retry', async () => {
    await start({ timeoutMs: 500 });
    sandbox.faults.add({ vendor: 'webhook', hangMs: 3000, times: 1 });
    const started = Date.now();
    await send([phiTrack(1)]);
    const got = await waitFor(async () => {
      const events = webhookEvents(sandbox.recorder.list('webhook'));
      return events.length > 0 ? events : undefined;
    }, 'webhook delivery after a timeout');
    expect(got.map((e) => e.properties.seq)).toEqual([1]);
    // The first attempt waited for the 500 ms timeout, not for the vendor's 3 s.
    expect(Date.now() - started).toBeLessThan(2900);
  });

  it('sends events a vendor refuses (400) to dead letters; dlq replay delivers them', async () => {
    const { dataDir } = await start();
    sandbox.faults.add({ vendor: 'webhook', status: 400, times: 1 });
    await send([phiTrack(1), phiTrack(2)]);
    const env = cliEnv();
    const listed = await waitFor(async () => {
      const r = await runCli(['dlq', 'list', '--data-dir', dataDir, '--json'], env);
      const rows = JSON.parse(r.stdout) as Array<{ destinationId: string; reason: string }>;
      return rows.length === 2 ? rows : undefined;
    }, 'dead letters');
    expect(listed.map((r) => [r.destinationId, r.reason])).toEqual([
      ['hook', 'HTTP 400'],
      ['hook', 'HTTP 400'],
    ]);
    const table = await runCli(['dlq', 'list', '--data-dir', dataDir], env);
    expect(table.stdout).toMatch(/id\s+destination\s+attempts\s+failed at\s+reason/);
    expect(table.stdout).toContain('HTTP 400');
    expect(webhookEvents(sandbox.recorder.list('webhook'))).toEqual([]);

    const replay = await runCli(['dlq', 'replay', '--data-dir', dataDir, '--destination', 'hook'], env);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain('replayed 2 dead letters');
    const delivered = await waitFor(async () => {
      const got = webhookEvents(sandbox.recorder.list('webhook'));
      return got.length === 2 ? got : undefined;
    }, 'replayed webhook events');
    expect(delivered.map((e) => e.properties.seq).sort()).toEqual([1, 2]);
    expect(JSON.parse((await runCli(['dlq', 'list', '--data-dir', dataDir, '--json'], env)).stdout)).toEqual([]);
  });

  it('loses no acknowledged event when killed with SIGKILL right after acknowledging', async () => {
    const { configPath, dataDir } = await start();
    // The vendors are down while the relay acknowledges, so everything is still in the outbox.
    sandbox.faults.add({ vendor: 'ga4', status: 503, times: 1_000_000 });
    sandbox.faults.add({ vendor: 'webhook', status: 503, times: 1_000_000 });
    const N = 200;
    await Promise.all(Array.from({ length: 20 }, (_, b) => send(Array.from({ length: N / 20 }, (_, i) => phiTrack(b * (N / 20) + i)))));
    await relay!.stop('SIGKILL');
    outputs.push(relay!.output());
    sandbox.faults.clear();
    relay = await startRelayProcess(configPath, dataDir);
    const ga4 = await waitFor(
      async () => {
        const seqs = new Set(ga4Events(sandbox.recorder.list('ga4')).map((e) => e.params.seq));
        return seqs.size === N ? seqs : undefined;
      },
      'all GA4 events after restart',
      30_000,
    );
    expect(ga4.size).toBe(N);
    await waitFor(async () => new Set(webhookEvents(sandbox.recorder.list('webhook')).map((e) => e.properties.seq)).size === N, 'all webhook events after restart', 30_000);
  });

  it('never writes the masking key, secrets or canary PHI to logs or responses', async () => {
    await start();
    await send([phiTrack(1)]);
    await post(`${relay!.url}/v1/batch?email=${encodeURIComponent(CANARIES[0]!)}`, { batch: [{ type: 'track', anonymousId: CANARIES[1] }] }).then((r) => responses.push(r.text));
    await post(`${relay!.url}/v1/batch`, `{"batch":[{"type":"track","event":"${CANARIES[1]}"`).then((r) => responses.push(r.text));
    await waitFor(async () => ga4Events(sandbox.recorder.list('ga4')).length === 1, 'delivery');
    await relay!.stop();
    outputs.push(relay!.output());
    relay = undefined;
    const everything = [...outputs, ...responses].join('\n');
    expect(everything.length).toBeGreaterThan(1000);
    expect(everything).toContain('relay started');
    for (const secret of [MASKING_KEY, DATA_KEY, GA4_SECRET, WEBHOOK_SECRET, Buffer.from(MASKING_KEY, 'base64url').toString('hex')]) {
      expect(everything).not.toContain(secret);
    }
    for (const canary of CANARIES) expect(everything).not.toContain(canary);
    expect(everything).not.toContain(encodeURIComponent(CANARIES[0]!));
  });
});

describe('config hot reload', () => {
  it('runs with a changed config file and on SIGHUP, refuses a bad one and keeps the old, and records each version', async () => {
    const { configPath, dataDir } = await start();
    const config = e2eConfig(sandbox.url) as ReturnType<typeof e2eConfig> & { destinations: Array<Record<string, any>> };
    // The webhook now takes a second event and a new property; GA4 is removed.
    const next = {
      ...config,
      destinations: [
        { ...config.destinations[1]!, allow: { production: { events: ['Appointment Booked', 'Form Viewed'], eventProperties: { seq: 'allow', clinic_id: 'allow' } } } },
      ],
    };
    writeFileSync(configPath, JSON.stringify(next));
    await waitFor(async () => relay!.output().includes('loaded (file change)'), 'reload after the file changed');
    await send([{ type: 'track', event: 'Form Viewed', anonymousId: 'a', properties: { seq: 1, clinic_id: 'north-7', service_line: 'x' } }]);
    const hook = await waitFor(async () => {
      const got = webhookEvents(sandbox.recorder.list('webhook'));
      return got.length === 1 ? got : undefined;
    }, 'webhook event under the new config');
    expect(hook[0]!.properties).toEqual({ seq: 1, clinic_id: 'north-7' });
    expect(sandbox.recorder.list('ga4')).toEqual([]);

    // A bad config is refused with its problems; the running one stays.
    writeFileSync(configPath, JSON.stringify({ ...next, destinations: [{ ...next.destinations[0], settings: { url: 'x', secret: 'inline' } }] }));
    await waitFor(async () => relay!.output().includes('refused (file change)'), 'refusal of a bad config');
    expect(relay!.output()).toContain('destinations[0].settings.secret: inline secrets are not allowed');
    await send([{ type: 'track', event: 'Form Viewed', anonymousId: 'a', properties: { seq: 2 } }]);
    await waitFor(async () => webhookEvents(sandbox.recorder.list('webhook')).length === 2, 'delivery under the kept config');

    // SIGHUP loads the file again (the file watcher may see the write first: either reloads it).
    const loads = () => relay!.output().split(' loaded (').length;
    const before = loads();
    writeFileSync(configPath, JSON.stringify(config));
    relay!.child.kill('SIGHUP');
    await waitFor(async () => loads() > before, 'reload on SIGHUP');
    const db = new Database(`${dataDir}/palisade.db`, { readonly: true });
    const versions = db.prepare('SELECT source, sha256, destinations FROM config_versions ORDER BY id').all() as Array<{ source: string; sha256: string; destinations: string }>;
    db.close();
    expect(versions[0]).toMatchObject({ source: 'start', destinations: '["ga4-main","hook"]' });
    expect(versions[1]).toMatchObject({ source: 'file change', destinations: '["hook"]' });
    expect(versions.at(-1)!.destinations).toBe('["ga4-main","hook"]');
    for (const v of versions) expect(v.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
