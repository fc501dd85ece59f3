/**
 * `palisade scan` as a QA team runs it in CI: the built CLI in a child process, real Chromium,
 * the demo clinic without Palisade (a fixture that strips the tag and the CSP) and with it (the
 * real `palisade start`, its portal behind a sign-in, its relay's admin endpoint). Chromium
 * resolves no name but loopback: the pixels' requests are attempts that fail, which is what the
 * scanner must see anyway.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../packages/scanner/src/index.js';
import { launchBrowser } from './helpers/browser.js';
import { cliEnv, type DemoProcess, freePort, removeDir, ROOT, runCli, startDemoProcess, tempDir } from './helpers/processes.js';
import { startUnprotectedDemo } from './helpers/unprotected-demo.js';

const LOOPBACK_ONLY = '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1';
const env = (extra: Record<string, string> = {}) => cliEnv({ PALISADE_SCAN_CHROMIUM_ARGS: LOOPBACK_ONLY, CI: 'true', ...extra });

let unprotected: Awaited<ReturnType<typeof startUnprotectedDemo>>;
let work: string;

beforeAll(async () => {
  unprotected = await startUnprotectedDemo();
  work = tempDir('palisade-scan-');
});

afterAll(async () => {
  await unprotected.close();
  removeDir(work);
});

const vendorsOf = (result: ScanResult, kind: string) => [...new Set(result.findings.filter((f) => f.kind === kind).map((f) => f.vendor))].sort();

describe('palisade scan', { timeout: 240_000 }, () => {
  it('against the demo without Palisade: names every vendor, finds the typed canaries at Meta and GA4, writes every report, exits 1', async () => {
    const files = { junit: join(work, 'scan.xml'), html: join(work, 'scan.html'), har: join(work, 'scan.har') };
    const run = await runCli(['scan', `${unprotected.url}/`, '--pages', '8', '--json', '--junit', files.junit, '--html', files.html, '--har', files.har], env());
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as ScanResult;
    expect(result.consent).toEqual(['denied', 'granted', 'gpc']);
    expect(vendorsOf(result, 'third-party-request')).toEqual(
      expect.arrayContaining(['Facebook', 'Google Analytics', 'Google Maps', 'Google Tag Manager', 'Hotjar', 'LinkedIn Ads', 'TikTok', 'YouTube Embedded Player']),
    );
    const leaks = result.findings.filter((f) => f.kind === 'canary-leak');
    expect(new Set(leaks.map((f) => f.vendor))).toEqual(new Set(['Facebook', 'Google Analytics']));
    const meta = leaks.find((f) => f.vendor === 'Facebook' && f.template === '/book.html' && f.evidence[0]!.canary!.label === 'email')!;
    expect(meta.title).toBe('The email a visitor typed reaches Facebook (www.facebook.com) as sha256');
    expect(meta.evidence[0]!.canary).toEqual({ label: 'email', form: 'sha256', where: 'url' });
    expect(meta.severity).toBe('critical');
    // The report says which script sent it: the pixel code, not the page.
    expect(meta.evidence[0]!.initiators).toContain(`${unprotected.url}/fixture/leaky-pixels.js`);
    expect(result.findings.some((f) => f.kind === 'tag-missing')).toBe(true);
    expect(result.findings.some((f) => f.kind === 'csp-missing')).toBe(true);
    // Progress goes to stderr, one line per page in CI.
    expect(run.stderr).toMatch(/^scanned http:\/\/127\.0\.0\.1:\d+\/ \[denied\] pages=1 /m);

    const junit = readFileSync(files.junit, 'utf8');
    const pages = new Set(result.pages.map((p) => p.url)).size;
    expect(junit.match(/<testcase /g)).toHaveLength(pages * 3 * 8);
    expect(junit).toMatch(/<testcase classname="palisade\.scan\.denied" name="\/book\.html \[denied\]: no canary leaves the site"><failure /);
    const har = JSON.parse(readFileSync(files.har, 'utf8'));
    expect(har.log.version).toBe('1.2');
    expect(har.log.entries.some((e: any) => e.request.url.startsWith('https://www.facebook.com/tr') && e._palisade.findings.length > 0)).toBe(true);

    // The HTML report is self-contained; a screenshot of it goes to test-results/ for the README.
    const html = readFileSync(files.html, 'utf8');
    expect(html).not.toMatch(/<script|<link |src="http/);
    expect(html).toContain('Why it matters.');
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
      await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
      await page.goto(`file://${files.html}`);
      await page.locator('.finding').first().waitFor();
      mkdirSync(join(ROOT, 'test-results'), { recursive: true });
      await page.screenshot({ path: join(ROOT, 'test-results', 'scan-report.png') });
      expect(await page.locator('.verdict.fail').textContent()).toMatch(/findings; vendors contacted: .*Facebook/);
    } finally {
      await browser.close();
    }
  });

  it('with a baseline: --update-baseline writes it, a rerun passes, a new finding fails the run and is the only one listed', async () => {
    const baseline = join(work, 'palisade-scan-baseline.json');
    const args = ['scan', `${unprotected.url}/`, '--consent', 'denied', '--baseline', baseline];
    const write = await runCli([...args, '--pages', '2', '--update-baseline'], env());
    expect(write.code).toBe(0);
    const saved = JSON.parse(readFileSync(baseline, 'utf8'));
    expect(saved.version).toBe(1);
    expect(saved.findings.length).toBeGreaterThan(5);
    const again = await runCli([...args, '--pages', '2'], env());
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/findings, 0 not in the baseline/);
    // One more page: its findings are new.
    const more = await runCli([...args, '--pages', '3'], env());
    expect(more.code).toBe(1);
    const listed = more.stdout.split('\n').filter((l) => /^ {2}(CRITICAL|HIGH|MEDIUM|LOW) /.test(l));
    expect(listed.length).toBeGreaterThan(0);
    for (const line of listed) expect(saved.findings.map((f: { id: string }) => f.id)).not.toContain(line.trim().split(/\s+/).pop());
  });

  it('exits 2 with one clear line when the scan cannot run', async () => {
    const closed = await freePort();
    const cases: [string[], RegExp][] = [
      [['scan', 'not a url'], /^palisade: the URL is not a URL: not a url\n$/],
      [['scan', 'ftp://example.test/'], /^palisade: the URL must be http or https/],
      [['scan', `http://127.0.0.1:${closed}/`], /^palisade: cannot load http:\/\/127\.0\.0\.1:\d+\/: .*ERR_CONNECTION_REFUSED/],
      [['scan', `${unprotected.url}/`, '--chromium', '/nonexistent/chromium'], /^palisade: no browser at \/nonexistent\/chromium\n$/],
      [['scan', `${unprotected.url}/`, '--baseline', join(work, 'missing.json')], /^palisade: cannot read the baseline /],
      [['scan', `${unprotected.url}/`, '--consent', 'maybe'], /^palisade: unknown consent state maybe/],
      [['scan', `${unprotected.url}/`, '--no-such-flag'], /^palisade: Unknown option '--no-such-flag'/],
      [['--pages', '1', 'scan', 'not a url'], /^palisade: the URL is not a URL/],
      [['scan', `${unprotected.url}/`, '--pages', '0'], /^palisade: invalid --pages 0: 1 to 10000/],
      // The start page loads; a later one does not: the result is incomplete, so the run cannot pass.
      [['scan', `${unprotected.url}/`, `http://127.0.0.1:${closed}/`, '--depth', '0', '--consent', 'denied'], /could not load|page scans could not complete/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(args, env());
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('palisade scan against the demo with Palisade', { timeout: 240_000 }, () => {
  let demo: DemoProcess;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = tempDir('palisade-scan-demo-');
    demo = await startDemoProcess(dataDir);
  });
  afterAll(async () => {
    await demo?.stop();
    removeDir(dataDir);
  });

  it('exits 0 under every consent state, scans the portal behind its sign-in, and what the relay forwarded holds no canary', async () => {
    const site = `http://127.0.0.1:${demo.port}`;
    const token = JSON.parse(readFileSync(join(dataDir, 'dev-keys.json'), 'utf8')).adminToken as string;
    expect((await fetch(`${site}/admin/forwarded`)).status).toBe(401);
    const run = await runCli(
      ['scan', `${site}/`, `${site}/portal-home.html`, '--login', join(ROOT, 'examples/scan-login.mjs'), '--relay-admin', site, '--pages', '9', '--json'],
      env({ PALISADE_ADMIN_TOKEN: token }),
    );
    expect(run.stderr).not.toMatch(/palisade: /);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as ScanResult;
    expect(result.findings).toEqual([]);
    const portal = result.pages.filter((p) => p.url === `${site}/portal-home.html`);
    expect(portal.map((p) => [p.consent, p.finalUrl, p.status])).toEqual([
      ['denied', `${site}/portal-home.html`, 200],
      ['granted', `${site}/portal-home.html`, 200],
      ['gpc', `${site}/portal-home.html`, 200],
    ]);
    expect(result.pages.every((p) => p.consentApplied)).toBe(true);
    expect(result.pages.some((p) => p.formsFilled > 0)).toBe(true);
    // The relay forwarded events during the scan (canaries were typed into its forms), and the
    // scanner searched each body.
    const forwarded = Object.fromEntries((result.relay ?? []).map((d) => [d.destination, d.messages]));
    expect(forwarded['ga4-main']).toBeGreaterThan(0);
    expect(forwarded['compliance-webhook']).toBeGreaterThan(0);

    // A storage state (a signed-in session saved by Playwright) works as the login script does.
    const signIn = await fetch(`${site}/demo/portal-home`, {
      method: 'POST',
      body: 'username=a&password=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      redirect: 'manual',
    });
    const [name, value] = String(signIn.headers.get('set-cookie')).split(';')[0]!.split('=');
    const stateFile = join(dataDir, 'storage-state.json');
    writeFileSync(
      stateFile,
      JSON.stringify({ cookies: [{ name, value, domain: '127.0.0.1', path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' }], origins: [] }),
    );
    const saved = await runCli(['scan', `${site}/portal-home.html`, '--storage-state', stateFile, '--pages', '1', '--depth', '0', '--consent', 'denied', '--json'], env());
    expect(saved.code).toBe(0);
    expect((JSON.parse(saved.stdout) as ScanResult).pages[0]!.finalUrl).toBe(`${site}/portal-home.html`);

    // Without the login script the portal's home is a redirect to its sign-in form.
    const anonymous = await runCli(['scan', `${site}/portal-home.html`, '--pages', '1', '--depth', '0', '--consent', 'denied', '--json'], env());
    expect(anonymous.code).toBe(0);
    expect((JSON.parse(anonymous.stdout) as ScanResult).pages[0]!.finalUrl).toBe(`${site}/portal.html`);
  });
});

// Keep the example login script honest: it is what the README tells teams to copy.
it('the example login script exists and exports a default function', async () => {
  const file = join(ROOT, 'examples/scan-login.mjs');
  expect(existsSync(file)).toBe(true);
  const mod = await import(file);
  expect(typeof mod.default).toBe('function');
  writeFileSync(join(work, 'noop'), '');
});
