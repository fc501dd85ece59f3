/**
 * `palisade gtm import` end to end: input it cannot take, the config and reports it writes, and
 * the round trip. The demo clinic with its GTM snippet removed, run on the config imported from
 * its container (examples/gtm/riverbend-container.json), sends through the tag shims, autotrack,
 * the event definitions and the real relay the events that container would have fired, minus
 * the PHI, to the vendor sandbox. Real Chromium, real relay process, loopback only.
 */
import { cpSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { Sandbox } from '@palisade/vendor-sandbox';
import { launchBrowser, loopbackOnly } from './helpers/browser.js';
import {
  AD_TOKEN,
  cliEnv,
  freePort,
  ga4Events,
  GA4_SECRET,
  ROOT,
  type RelayProcess,
  removeDir,
  runCli,
  startE2eSandbox,
  startRelayProcess,
  tempDir,
  waitFor,
} from './helpers/processes.js';

const EXPORT = join(ROOT, 'examples/gtm/riverbend-container.json');
const DEMO_WRITE_KEY = 'pk_dev_demo_clinic';
const ADMIN_TOKEN = 'gtm-e2e-admin-token-0123456789';

let dir: string;
beforeAll(() => {
  dir = tempDir('palisade-gtm-');
});
afterAll(() => removeDir(dir));

describe('palisade gtm import: input it cannot take', () => {
  it('gets one clear line and exit 2, never a stack trace', async () => {
    const text = readFileSync(EXPORT, 'utf8');
    const server = JSON.parse(text);
    server.containerVersion.container.usageContext = ['SERVER'];
    const files: Record<string, string> = {
      'truncated.json': text.slice(0, text.length / 2),
      'server.json': JSON.stringify(server),
      'har.json': JSON.stringify({ log: { version: '1.2', creator: { name: 'Chrome' }, entries: [] } }),
      'tealium.json': JSON.stringify({ account: 'clinic', profile: 'main', extensions: [], loadrules: [] }),
    };
    for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
    writeFileSync(join(dir, 'huge.json'), '');
    truncateSync(join(dir, 'huge.json'), 50 * 1024 * 1024);
    const expected: Record<string, RegExp> = {
      'truncated.json': /truncated\.json is not complete JSON: it ends too early/,
      'server.json': /server\.json is a server container \(GTM-K7PX2QD usageContext SERVER\); only web containers/,
      'har.json': /har\.json is a HAR file, not a GTM container export/,
      'tealium.json': /tealium\.json is an export of another tag manager, not a GTM container export/,
      'huge.json': /huge\.json is 50\.0 MB; a GTM container export is well under 1 MB/,
    };
    for (const [name, pattern] of Object.entries(expected)) {
      const r = await runCli(['gtm', 'import', join(dir, name), '--out', join(dir, `${name}.yaml`)]);
      expect(r.code, name).toBe(2);
      expect(r.stdout, name).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines, name).toHaveLength(1);
      expect(lines[0], name).toMatch(pattern);
      expect(r.stderr, name).not.toMatch(/\n\s+at /);
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.yaml'))).toEqual([]);
  });
});

describe('palisade gtm import: config and reports', () => {
  it('writes a config that passes `palisade config check`, HTML and Markdown reports, and JSON', async () => {
    const out = join(dir, 'palisade.config.yaml');
    const r = await runCli(['gtm', 'import', EXPORT, '--out', out, '--report', join(dir, 'migration.html'), '--origin', 'https://www.riverbend.example']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Imported GTM-K7PX2QD: 23 tags: 1 kept, 11 changed, 9 dropped, 2 to review.');
    expect(r.stdout).toContain(
      '3 critical PHI findings: User-Provided Data variable in AUTO mode; Meta advanced matching (em, ph); Microsoft enhanced conversions (uetq set pid).',
    );
    const yaml = readFileSync(out, 'utf8');
    expect(yaml).toMatch(/^# Imported from GTM container GTM-K7PX2QD \(version 57\) by palisade gtm import\./);
    expect(parse(yaml).environments.production.writeKey).toMatch(/^pk_live_[\w-]{16}$/);
    const names = [...yaml.matchAll(/^# {3}([A-Z0-9_]+)$/gm)].map((m) => m[1]!).filter((n) => n !== 'PALISADE_MASKING_KEY');
    expect(names).toHaveLength(8);
    const env = cliEnv(Object.fromEntries(names.map((n) => [n, AD_TOKEN])));
    const check = await runCli(['config', 'check', out], env);
    expect(check.stdout.trim().split('\n').pop()).toBe(`${out}: ok`);
    expect(check.code).toBe(0);

    const html = readFileSync(join(dir, 'migration.html'), 'utf8');
    expect(html).toContain('<title>GTM migration report: GTM-K7PX2QD</title>');
    expect(html).toContain('User-Provided Data variable in AUTO mode');

    expect((await runCli(['gtm', 'import', EXPORT, '--out', out])).stderr).toMatch(/exists; pass --force/);
    const md = await runCli(['gtm', 'import', EXPORT, '--out', out, '--force', '--report', join(dir, 'migration.md')]);
    expect(md.code).toBe(0);
    expect(readFileSync(join(dir, 'migration.md'), 'utf8')).toMatch(/^# GTM migration report: GTM-K7PX2QD/);

    const json = await runCli(['gtm', 'import', EXPORT, '--json']);
    const body = JSON.parse(json.stdout) as { config: Record<string, any>; report: Record<string, any> };
    expect(body.config.destinations.map((d: { id: string }) => d.id)).toEqual(['ga4', 'google-ads', 'meta', 'tiktok', 'linkedin', 'microsoft-ads']);
    expect(body.report.counts).toEqual({ kept: 1, changed: 11, dropped: 9, review: 2 });
    // Without --out the config goes to stdout and the summary to stderr.
    const piped = await runCli(['gtm', 'import', EXPORT]);
    expect(parse(piped.stdout).masking).toEqual({ key: 'env:PALISADE_MASKING_KEY' });
    expect(piped.stderr).toContain('Imported GTM-K7PX2QD');
  });
});

describe('round trip: the demo without its GTM snippet, on the imported config', () => {
  let sandbox: Sandbox;
  let relay: RelayProcess;
  let browser: Browser;
  let env: Record<string, string>;
  let configPath: string;

  beforeAll(async () => {
    sandbox = await startE2eSandbox();
    const site = join(dir, 'site');
    cpSync(join(ROOT, 'demo-site'), site, { recursive: true });
    rmSync(join(site, 'palisade.config.yaml'));
    for (const file of readdirSync(site).filter((f) => f.endsWith('.html'))) {
      const html = readFileSync(join(site, file), 'utf8')
        .replace(/<!-- Google Tag Manager -->[\s\S]*?<!-- End Google Tag Manager -->/, '')
        .replace(/<!-- Google Tag Manager \(noscript\) -->[\s\S]*?<\/noscript>/, '');
      expect(html, file).not.toContain('GTM-K7PX2QD');
      writeFileSync(join(site, file), html);
    }
    const port = await freePort();
    configPath = join(dir, 'imported.yaml');
    const r = await runCli(['gtm', 'import', EXPORT, '--out', configPath, '--origin', `http://127.0.0.1:${port}`, '--sandbox', sandbox.url]);
    expect(r.code, r.stderr).toBe(0);
    // What a site owner does next: the write key their pages already carry, and the secrets.
    const yaml = readFileSync(configPath, 'utf8');
    const config = parse(yaml);
    config.environments.production.writeKey = DEMO_WRITE_KEY;
    // The last step of the migration: the demo's pages still carry gtag.js in a static script tag
    // of their own (outside GTM), which only an enforced policy stops before it loads.
    config.browser.csp.mode = 'enforce';
    config.admin = { token: 'env:PALISADE_ADMIN_TOKEN' }; // for palisade definitions test
    for (const d of config.destinations) d.delivery = { retryBaseMs: 50, retryMaxMs: 300, timeoutMs: 2000 };
    writeFileSync(configPath, stringify(config));
    const names = [...yaml.matchAll(/^# {3}([A-Z0-9_]+)$/gm)].map((m) => m[1]!).filter((n) => n !== 'PALISADE_MASKING_KEY');
    env = cliEnv({ ...Object.fromEntries(names.map((n) => [n, n === 'GA4_API_SECRET' ? GA4_SECRET : AD_TOKEN])), PALISADE_ADMIN_TOKEN: ADMIN_TOKEN });
    relay = await startRelayProcess(configPath, join(dir, 'data'), env, port, ['--site', site]);
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await relay?.stop();
    await sandbox?.stop();
  });

  it('sends what the container fired, minus the PHI, from the server', async () => {
    const context = await browser.newContext();
    const blocked = await loopbackOnly(context);
    const page = await context.newPage();
    await page.goto(`${relay.url}/`);
    await page.click('#consent-allow-ads');
    await Promise.all([page.waitForURL('**/book.html'), page.click('header a[href="/book.html"]')]);
    await page.fill('input[name=full_name]', 'Janet Roundtrip');
    await page.fill('input[name=email]', 'janet.roundtrip@example.com');
    await page.fill('input[name=phone]', '(555) 010-9911');
    await page.selectOption('select[name=reason]', 'Anxiety or depression');
    await Promise.all([page.waitForURL('**/thank-you.html'), page.click('#book-submit')]);
    await page.evaluate(() => (window as unknown as { palisade: { flush(): Promise<void> } }).palisade.flush());
    await context.close();

    // What GTM-K7PX2QD fires on this visit, tag by tag (the others are dropped or left to review):
    const expected = {
      // "Google tag - GA4" (Initialization): a page view on each of the three pages;
      // "GA4 - Book appointment click" (link click on /book.html, not in the portal);
      // "GA4 - Appointment request" (form#appointment submitted);
      // "GA4 - Appointment booked" (data layer appointment_booked, named by the lookup table).
      ga4: ['appointment_request', 'book_appointment_click', 'page_view', 'page_view', 'page_view', 'schedule_appointment'],
      // "Meta Pixel - Base" (All Pages, after the visitor allowed ads) and "Meta Pixel - Schedule".
      meta: ['PageView', 'PageView', 'Schedule'],
      // "TikTok - Submit form" (form#appointment submitted).
      tiktok: ['SubmitForm'],
      // "Microsoft UET - Booking" (data layer appointment_booked).
      'microsoft-ads': ['book_appointment'],
    };
    const names = () => ({
      ga4: ga4Events(sandbox.recorder.list('ga4'))
        .map((e) => e.name)
        .sort(),
      meta: sandbox.recorder
        .list('meta')
        .flatMap((r) => (r.body as { data: Array<{ event_name: string }> }).data.map((e) => e.event_name))
        .sort(),
      tiktok: sandbox.recorder
        .list('tiktok')
        .flatMap((r) => (r.body as { data: Array<{ event: string }> }).data.map((e) => e.event))
        .sort(),
      'microsoft-ads': sandbox.recorder
        .list('microsoft-ads')
        .flatMap((r) => (r.body as { data: Array<{ eventName?: string }> }).data.map((e) => e.eventName ?? ''))
        .sort(),
    });
    await waitFor(async () => JSON.stringify(names()) === JSON.stringify(expected), `the container's events at the sandbox (have ${JSON.stringify(names())})`, 20_000);
    await new Promise((r) => setTimeout(r, 1000)); // nothing more arrives
    expect(names()).toEqual(expected);

    const ga4 = ga4Events(sandbox.recorder.list('ga4'));
    const booked = ga4.find((e) => e.name === 'schedule_appointment')!;
    expect(booked.params).toMatchObject({ currency: 'USD', service_line: expect.stringMatching(/^k1:/) });
    expect(booked.params).not.toHaveProperty('email');
    expect(ga4.find((e) => e.name === 'appointment_request')!.params).not.toHaveProperty('email');
    // Google Ads waits for its account details; LinkedIn needs a person identifier this visit did not authorize.
    expect(sandbox.recorder.list('google-ads')).toEqual([]);
    const everything = JSON.stringify(sandbox.recorder.list());
    for (const phi of ['Janet', 'Roundtrip', 'janet.roundtrip', '010-9911', '5550109911', 'Anxiety']) expect(everything).not.toContain(phi);
    // And nothing left the browser for another host: the pixels' own scripts never loaded.
    expect(blocked, JSON.stringify(blocked)).toEqual([]);
  });

  it('palisade definitions test shows what each imported definition matched on that visit', async () => {
    const r = await runCli(['definitions', 'test', configPath, '--relay', relay.url, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { recent: number; definitions: Array<{ name: string; matched: number; examples: Array<{ page: string; elements: string }> }> };
    const matched = Object.fromEntries(result.definitions.map((d) => [d.name, d.matched]));
    expect(matched).toEqual({
      'GA4 - Book appointment click': 1,
      'GA4 - Appointment request': 1,
      // the definition matches the three page views; the consent to ads is the vendor's business at delivery
      'Meta Pixel - Base': 3,
      'TikTok - Submit form': 1,
      'GA4 - Find a doctor tab': 0,
      'GA4 - Outbound link': 0,
    });
    expect(result.definitions[0]!.examples).toEqual([
      { on: 'click', page: '/', elements: 'a:nth-of-type(4)[href=/book.html] < div.bar:nth-of-type(1) < header:nth-of-type(1) < body:nth-of-type(1)' },
    ]);
    expect(r.stdout).not.toContain('Janet');
    const table = await runCli(['definitions', 'test', configPath, '--relay', relay.url], env);
    expect(table.stdout).toMatch(/^GA4 - Book appointment click\s+click\s+1\s+\/$/m);
  });
});
