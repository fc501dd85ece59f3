/** The `palisade` command as users run it: config check, schema, keys, production refusals, the demo. */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PayloadCipher, SqliteStore } from '@palisade/relay';
import { BIN, DATA_KEY, ROOT, cliEnv, post, removeDir, runCli, startDemoProcess, tempDir, waitFor } from './helpers/processes.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));
function dir() {
  const d = tempDir();
  dirs.push(d);
  return d;
}

describe('palisade config', () => {
  it('check warns about a definition no destination allows (its events would go nowhere)', async () => {
    const file = join(dir(), 'definitions.yaml');
    const demo = readFileSync(join(ROOT, 'demo-site/palisade.config.yaml'), 'utf8');
    writeFileSync(
      file,
      demo.replace(
        'destinations:\n',
        'definitions:\n  - { name: Appointment Booked, on: submit, selector: "form#appointment" }\n  - { name: Book Link Clicked, on: click, selector: "a[href^=\'/book\']" }\ndestinations:\n',
      ),
    );
    const r = await runCli(['config', 'check', file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: definitions: "Book Link Clicked" is allowed by no destination, so its events go nowhere');
    expect(r.stderr).not.toContain('"Appointment Booked" is allowed by no destination');
    const bad = join(dir(), 'bad-definition.yaml');
    writeFileSync(bad, demo.replace('destinations:\n', 'definitions:\n  - { name: "fbq:Lead", on: click, selector: "a:hover" }\ndestinations:\n'));
    const refused = await runCli(['config', 'check', bad]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('definitions[0].name: definition names do not start with $, contain no : and have no surrounding spaces');
    expect(refused.stdout).toContain('definitions[0].selector: not a supported selector: only :nth-of-type(n) is supported among pseudo-classes at position 2 (":hover")');
  });

  it('check accepts the demo config and explains every identifier opt-in in plain words', async () => {
    const r = await runCli(['config', 'check', join(ROOT, 'demo-site/palisade.config.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(': ok');
    const notes = r.stdout.split('\n').filter((line) => line.startsWith('note: '));
    expect(notes).toHaveLength(5);
    expect(notes[0]).toBe(
      'note: Meta Conversions API (meta-capi) will receive its click ids (fbc) for events with a patient authorization: the vendor ties a click id to the person who clicked its ad, so such an event is not de-identified data.',
    );
    const file = join(dir(), 'hashes.yaml');
    writeFileSync(
      file,
      readFileSync(join(ROOT, 'demo-site/palisade.config.yaml'), 'utf8').replace(
        'identifiers: { clickIds: with-authorization }',
        'identifiers: { contactHashes: with-authorization }',
      ),
    );
    const hashes = await runCli(['config', 'check', file]);
    expect(hashes.stdout).toContain(
      'note: Meta Conversions API (meta-capi) will receive hashed email and phone for events with a patient authorization: this is not de-identified data (an unsalted SHA-256 of an email or phone number identifies the person).',
    );
  });

  it('check prints every problem with its path and exits 1', async () => {
    const file = join(dir(), 'bad.yaml');
    writeFileSync(
      file,
      `
environments:
  production: { writeKey: pk_live_0123456789 }
masking: { key: env:PALISADE_MASKING_KEY }
destinations:
  - id: ga4
    type: ga4
    connection: client
    settings: { measurementId: G-ABC12345, apiSecret: env:GA4_API_SECRET }
  - id: ga4
    type: webhook
    hipaa: { enabled: false }
    settings: { url: https://hooks.example, secret: whsec_inline_value }
    allow: { staging: { events: [x] } }
    colour: blue
`,
    );
    const r = await runCli(['config', 'check', file]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'destinations[1].settings.secret: inline secrets are not allowed; use env:NAME',
        'destinations[1].colour: unknown key',
        'destinations[1].id: duplicate destination id ga4',
        'destinations[0].connection: HIPAA mode cannot be used with a client-side connection; use connection: server',
        'destinations[1].hipaa.enabled: HIPAA mode can only be turned off when a BAA is recorded (hipaa.baa.signed: true)',
        'destinations[1].allow.staging: unknown environment staging; known: production',
      ]),
    );
    expect(r.stdout).not.toContain('whsec_inline_value');
  });

  it('check refuses a weak masking key and warns about unset secrets', async () => {
    const weak = await runCli(['config', 'check', join(ROOT, 'demo-site/palisade.config.yaml')], cliEnv({ PALISADE_MASKING_KEY: 'c2hvcnQta2V5' }));
    expect(weak.code).toBe(1);
    expect(weak.stdout).toContain('masking.key: the masking key is too weak: 9 bytes, at least 32 are required');
    const unset = await runCli(['config', 'check', join(ROOT, 'demo-site/palisade.config.yaml')], { PATH: process.env.PATH ?? '' });
    expect(unset.code).toBe(0);
    expect(unset.stderr).toContain('warning: masking.key: environment variable PALISADE_MASKING_KEY is not set');
  });

  it('check reports unreadable and malformed files in one line', async () => {
    const missing = await runCli(['config', 'check', '/nonexistent/palisade.yaml']);
    expect(missing.code).toBe(1);
    expect(missing.stdout.trim()).toBe('cannot read /nonexistent/palisade.yaml: ENOENT');
    const file = join(dir(), 'broken.yaml');
    writeFileSync(file, 'environments: [\n');
    expect((await runCli(['config', 'check', file])).stdout).toMatch(/not valid YAML or JSON at line \d/);
  });

  it('schema prints a JSON Schema', async () => {
    const r = await runCli(['config', 'schema']);
    const schema = JSON.parse(r.stdout);
    expect(schema.$schema).toMatch(/json-schema\.org/);
    expect(schema.properties.destinations.type).toBe('array');
  });
});

describe('palisade csp and trackers', () => {
  it('csp prints the policy from the config, report-only or enforced', async () => {
    const config = join(ROOT, 'demo-site/palisade.config.yaml');
    const enforced = await runCli(['csp', '--config', config]);
    expect(enforced.code).toBe(0);
    expect(enforced.stdout).toMatch(/^Content-Security-Policy: default-src 'self'; script-src 'self' 'unsafe-inline';.*frame-src 'self';.*report-uri \/v1\/csp-report\n$/);
    const reportOnly = await runCli(['csp', '--config', config, '--report-only']);
    expect(reportOnly.stdout).toMatch(/^Content-Security-Policy-Report-Only: default-src 'self'/);
    expect((await runCli(['csp'])).stderr).toContain('csp needs --config FILE');
  });

  it('trackers lists the inventory as a table', async () => {
    const d = dir();
    const store = new SqliteStore({ path: join(d, 'palisade.db'), cipher: new PayloadCipher(Buffer.from(DATA_KEY, 'base64url')) });
    await store.recordTrackers(
      [
        { origin: 'https://connect.facebook.net', kind: 'script', page: '/book', vendor: 'Meta (Facebook)' },
        { origin: 'https://connect.facebook.net', kind: 'script', page: '/', vendor: 'Meta (Facebook)' },
        { origin: 'https://unknown.example', kind: 'image', page: '/' },
      ],
      Date.parse('2026-11-24T10:00:00Z'),
    );
    await store.close();
    const r = await runCli(['trackers', '--data-dir', d]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^vendor\s+origin\s+kind\s+count\s+pages\s+first seen \(UTC\)\s+last seen \(UTC\)$/);
    expect(lines[1]).toMatch(/^Meta \(Facebook\)\s+https:\/\/connect\.facebook\.net\s+script\s+2\s+(\/book \/|\/ \/book)\s+2026-11-24 10:00:00/);
    expect(lines[2]).toMatch(/^\(unknown\)\s+https:\/\/unknown\.example\s+image\s+1/);
    expect((await runCli(['trackers', '--data-dir', join(d, 'nope')])).stderr).toContain('no Palisade data in');
  });

  it('db migrate brings a data directory to the current schema, once', async () => {
    const d = dir();
    expect((await runCli(['db', 'migrate', '--data-dir', d])).stderr).toContain('no Palisade data in');
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(join(d, 'palisade.db'));
    db.exec(readFileSync(join(ROOT, 'packages/relay/src/store/fixtures/release-before-migrations.sql'), 'utf8'));
    db.close();
    const first = await runCli(['db', 'migrate', '--data-dir', d]);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(
      'applied 1: outbox, dead letters and tracker inventory\napplied 2: payload format of outbox rows and dead letters\napplied 3: config versions\napplied 4: delivery log\nschema at version 4\n',
    );
    expect((await runCli(['db', 'migrate', '--data-dir', d])).stdout).toBe('schema at version 4; nothing to apply\n');
  });

  it('trackers --json writes all of a long inventory into a slow pipe', async () => {
    const d = dir();
    const store = new SqliteStore({ path: join(d, 'palisade.db'), cipher: new PayloadCipher(Buffer.from(DATA_KEY, 'base64url')) });
    const sightings = Array.from({ length: 3000 }, (_, i) => ({ origin: `https://tracker-${i}.example`, kind: 'script', page: `/page-${i}` }));
    await store.recordTrackers(sightings, Date.parse('2026-11-24T10:00:00Z'));
    await store.close();
    // A reader that is slow to start (as `| jq` can be): the output is far past a pipe's 64 KB.
    const child = spawn(process.execPath, [BIN, 'trackers', '--json', '--data-dir', d], { env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pause();
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const closed = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    child.stdout.resume();
    expect(await closed).toBe(0);
    expect(stdout.length).toBeGreaterThan(256 * 1024);
    expect(JSON.parse(stdout)).toHaveLength(3000);
  });
});

describe('palisade keys and start-up checks', () => {
  it('keys generate prints two strong keys', async () => {
    const r = await runCli(['keys', 'generate']);
    const keys = Object.fromEntries(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('=') as [string, string]),
    );
    expect(Buffer.from(keys.PALISADE_MASKING_KEY!, 'base64url')).toHaveLength(32);
    expect(Buffer.from(keys.PALISADE_DATA_KEY!, 'base64url')).toHaveLength(32);
    expect(keys.PALISADE_MASKING_KEY).not.toBe(keys.PALISADE_DATA_KEY);
  });

  it('refuses to start in production without keys or with a weak one, without printing it', async () => {
    const d = dir();
    const config = join(ROOT, 'demo-site/palisade.config.yaml');
    const missing = await runCli(['relay', '--config', config, '--data-dir', d, '--port', '0'], { PATH: process.env.PATH ?? '', NODE_ENV: 'production' });
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('palisade: PALISADE_DATA_KEY is not set (NODE_ENV=production: keys are never generated)');
    const weak = await runCli(['relay', '--config', config, '--data-dir', d, '--port', '0'], cliEnv({ NODE_ENV: 'production', PALISADE_MASKING_KEY: 'dG9vLXNob3J0LWtleQ' }));
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('masking.key: the masking key is too weak');
    expect(weak.stderr).not.toContain('dG9vLXNob3J0LWtleQ');
  });

  it('answers --version, help COMMAND and COMMAND --help', async () => {
    const version = JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')).version;
    expect((await runCli(['--version'])).stdout).toBe(`${version}\n`);
    const overview = await runCli(['help']);
    for (const command of ['start', 'relay', 'config check', 'config schema', 'keys generate', 'dlq list', 'dlq replay', 'csp', 'db migrate', 'trackers']) {
      expect(overview.stdout).toContain(`palisade ${command}`);
    }
    const dlq = await runCli(['help', 'dlq']);
    expect(dlq.stdout).toMatch(/^Usage: palisade dlq list .*\n\s+palisade dlq replay /);
    expect((await runCli(['dlq', '--help'])).stdout).toBe(dlq.stdout);
    expect((await runCli(['help', 'nope'])).stderr.trim()).toBe('palisade: unknown command nope; run palisade --help');
  });

  it('refuses options a command does not take, and options that contradict each other', async () => {
    const config = join(ROOT, 'demo-site/palisade.config.yaml');
    const both = await runCli(['csp', '--config', config, '--enforce', '--report-only']);
    expect(both.code).toBe(1);
    expect(both.stderr.trim()).toBe('palisade: --enforce and --report-only contradict each other; give one');
    const misplaced = await runCli(['keys', 'generate', '--json']);
    expect(misplaced.code).toBe(1);
    expect(misplaced.stderr.trim()).toBe('palisade: palisade keys does not take --json; run palisade help keys');
    expect(misplaced.stdout).toBe('');
  });

  it('never creates a data directory or keys for a command that only reads them', async () => {
    const parent = dir();
    for (const args of [['trackers'], ['dlq', 'list'], ['dlq', 'replay'], ['db', 'migrate']]) {
      const r = await runCli([...args, '--data-dir', join(parent, 'data')], { PATH: process.env.PATH ?? '' });
      expect({ args, code: r.code, stderr: r.stderr.trim() }).toEqual({
        args,
        code: 1,
        stderr: `palisade: no Palisade data in ${join(parent, 'data')} (set --data-dir or PALISADE_DATA_DIR)`,
      });
    }
    expect(readdirSync(parent)).toEqual([]);
  });

  it('runs through the committed bin entry npm links, which exists before anything is built', async () => {
    const bin = JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')).bin.palisade as string;
    const entry = join(ROOT, 'packages/cli', bin);
    expect(entry).not.toContain('/dist/');
    expect(statSync(entry).mode & 0o111).not.toBe(0);
    const r = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(join(ROOT, 'node_modules/.bin/palisade'), ['--version'], { env: { PATH: process.env.PATH ?? '' } });
      let stdout = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.on('close', (code) => resolve({ code, stdout }));
    });
    expect(r).toEqual({ code: 0, stdout: `${JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')).version}\n` });
  });

  it('unknown commands and flags fail with one line', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('palisade: unknown command frobnicate; run palisade --help');
    expect((await runCli(['start', '--nope'])).code).toBe(1);
  });
});

describe('palisade start (the demo)', () => {
  it('brings up relay and sandbox; a curl-style event arrives de-identified', async () => {
    const d = dir();
    const demo = await startDemoProcess(d);
    const { port, sandboxPort } = demo;
    const out = demo.output;
    try {
      expect(out()).toContain(`http://127.0.0.1:${port}`);
      expect(statSync(join(d, 'dev-keys.json')).mode & 0o777).toBe(0o600);
      const r = await post(
        `http://127.0.0.1:${port}/v1/track`,
        {
          event: 'Appointment Booked',
          anonymousId: 'visitor-1',
          properties: { service_line: 'behavioral-health', email: 'jane@example.com', reason: 'anxiety' },
        },
        'pk_dev_demo_clinic',
      );
      expect(r.status).toBe(200);
      // The demo pages are served on the chosen port: their origin is allowed too.
      const fromSite = await fetch(`http://127.0.0.1:${port}/v1/batch`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', origin: `http://127.0.0.1:${port}` },
        body: JSON.stringify({ writeKey: 'pk_dev_demo_clinic', batch: [{ type: 'page', anonymousId: 'visitor-1' }] }),
      });
      expect(fromSite.status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/book.html`)).status).toBe(200);
      const received = await waitFor(async () => {
        const items = (await (await fetch(`http://127.0.0.1:${sandboxPort}/api/received?vendor=ga4`)).json()) as Array<{
          body: { events: Array<{ params: Record<string, unknown> }> };
        }>;
        return items.length > 0 ? items : undefined;
      }, 'GA4 stand-in receipt');
      const params = received[0]!.body.events[0]!.params;
      expect(params.service_line).toBe('behavioral-health');
      expect(params.email).toMatch(/^k1:/);
      expect(params).not.toHaveProperty('reason');
      const page = await (await fetch(`http://127.0.0.1:${sandboxPort}/`)).text();
      expect(page).toContain('appointment_booked');
      // Not a terminal: a banner, then the relay's log as JSON lines, with a line for the first
      // browser events and one per delivery batch.
      const version = JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')).version;
      expect(out().split('\n')[0]).toBe(`Palisade ${version}, the demo: a clinic website, its first-party relay and a vendor sandbox, on this machine only`);
      const logs = await waitFor(async () => {
        const lines = out()
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        return lines.some((l) => l.msg === 'delivered' && l.vendor === 'webhook') && lines;
      }, 'delivery log lines');
      expect(logs).toContainEqual(expect.objectContaining({ msg: 'first events from a browser', environment: 'development', origin: `http://127.0.0.1:${port}`, events: 1 }));
      expect(logs).toContainEqual(expect.objectContaining({ msg: 'delivered', destination: 'ga4-main', vendor: 'ga4', outcome: 'delivered' }));
      expect(logs.filter((l) => l.msg === 'first events from a browser')).toHaveLength(1);
    } finally {
      await demo.stop();
    }
  });
});

describe('the relay log on a terminal', () => {
  it('is one readable line per entry, with the same fields and no JSON', async () => {
    const demo = await startDemoProcess(dir(), { PALISADE_LOG_FORMAT: 'pretty' });
    const { port } = demo;
    const out = demo.output;
    try {
      await post(
        `http://127.0.0.1:${port}/v1/track`,
        { event: 'Appointment Booked', anonymousId: 'visitor-1', properties: { email: 'canary.patient@example.org' } },
        'pk_dev_demo_clinic',
      );
      await waitFor(async () => /delivered/.test(out()), 'a delivery line');
      const lines = out().split('\n');
      expect(lines.filter((l) => l.startsWith('{'))).toEqual([]);
      expect(lines).toContainEqual(
        expect.stringMatching(
          /^\[\d\d:\d\d:\d\d\] INFO: relay started \{.*"destinations":\["ga4-main","compliance-webhook","meta-capi","google-ads","tiktok","linkedin","microsoft-ads"\]/,
        ),
      );
      expect(lines).toContainEqual(
        expect.stringMatching(/INFO: delivered \{"destination":"(ga4-main|compliance-webhook)","vendor":"(ga4|webhook)","events":1,"outcome":"delivered"\}/),
      );
      expect(out()).not.toContain('canary.patient');
    } finally {
      await demo.stop();
    }
  });
});
