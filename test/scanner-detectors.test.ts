/**
 * Each detector of the scanner against a small page built to trigger it, in real Chromium: the
 * site on 127.0.0.1 and its "third parties" on *.test names that the browser resolves to the same
 * loopback server (nothing else resolves: no test reaches the internet). Pages carry the real
 * Palisade script tag with its guard off, so the scanner sets consent through the real SDK.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Finding, makeCanaries, type ScanResult, scan } from '../packages/scanner/src/index.js';
import { ROOT } from './helpers/processes.js';

const SDK = readFileSync(join(ROOT, 'packages/sdk/dist/palisade.js'), 'utf8');
let server: Server;
let port: number;
let site: string;
let tracker: string;
const trackerHits: string[] = [];
const canaries = makeCanaries();

const TAG = '<script src="/palisade.js" data-write-key="pk_scan_test" data-guard="off"></script>';
const page = (body: string, head = '') => `<!doctype html><html><head>${TAG}${head}<title>t</title></head><body>${body}</body></html>`;
const FORM =
  '<form action="/done" method="post"><label>Email <input name="email" type="email"></label><label>Phone <input name="phone" type="tel"></label><button>Send</button></form>';

const PAGES: Record<string, (req: { ua: string }) => string> = {
  '/hashed.html': () =>
    page(
      FORM,
      `<script>document.addEventListener('change', function (e) {
        if (e.target.name !== 'email') return;
        crypto.subtle.digest('SHA-256', new TextEncoder().encode(e.target.value.trim().toLowerCase())).then(function (b) {
          var h = Array.from(new Uint8Array(b)).map(function (x) { return x.toString(16).padStart(2, '0'); }).join('');
          fetch(T + '/am?ud[em]=' + h, { mode: 'no-cors' });
        });
      });</script>`,
    ),
  '/base64.html': () =>
    page(
      FORM,
      `<script>document.addEventListener('change', function (e) { if (e.target.name === 'email') navigator.sendBeacon(T + '/b', btoa(JSON.stringify({ u: e.target.value, t: 1 }))); });</script>`,
    ),
  '/worker.html': () => page('<p>worker</p>', `<script>new Worker('/worker.js');</script>`),
  '/iframe.html': () => page(`<iframe src="TRACKER/frame.html"></iframe>`),
  '/sw.html': () => page('<p>sw</p>', `<script>navigator.serviceWorker.register('/sw.js');</script>`),
  '/preconnect.html': () => page('<p>hint</p>', '<link rel="preconnect" href="TRACKER">'),
  // An edge that injects its beacon only for what looks like a real browser.
  '/edge.html': ({ ua }) => page('<p>edge</p>', ua.includes('Headless') ? '' : '<script src="BEACON/edge-beacon.js"></script>'),
  '/no-tag.html': () => '<!doctype html><html><head><title>t</title></head><body>no tag</body></html>',
  '/late-tag.html': () => `<!doctype html><html><head><script>window.x = 1;</script>${TAG}</head><body>late</body></html>`,
  '/code.html': () => page('<p>code</p>', `<script>window.fbq = function () {}; fbq('init', '914305718822301', { em: 'x@example.com' });</script>`),
  '/consent.html': () => page('<img src="CDN/consent-pixel.gif" alt="">'),
  // Anti-devtools code: a debugger statement every 50 ms must not stall the scan.
  '/debugger.html': () => page('<p>x</p>', '<script>setInterval(function () { debugger; }, 50);</script>'),
  '/consent-csp.html': () => page('<img src="CDN/blocked-pixel.gif" alt="">'),
};

function handler(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) {
  const host = req.headers.host ?? '';
  const url = new URL(req.url ?? '/', `http://${host}`);
  const fill = (html: string) => html.replaceAll('TRACKER', tracker).replaceAll('BEACON', `http://beacon.test:${port}`).replaceAll('CDN', `http://cdn.test:${port}`);
  if (!host.startsWith('127.0.0.1')) {
    trackerHits.push(`${host}${url.pathname}`);
    if (url.pathname === '/frame.html')
      return void res.writeHead(200, { 'content-type': 'text/html' }).end(fill('<script>localStorage.setItem("tp_uid", "u1")</script><img src="TRACKER/pixel-in-frame.gif">'));
    if (url.pathname.endsWith('.js')) return void res.writeHead(200, { 'content-type': 'text/javascript' }).end('/* beacon */');
    return void res.writeHead(204).end();
  }
  if (req.method === 'POST') {
    req.resume();
    return void req.on('end', () => res.writeHead(url.pathname.startsWith('/v1/') ? 200 : 303, { location: '/hashed.html', 'content-type': 'application/json' }).end('{}'));
  }
  if (url.pathname === '/sitemap.xml') {
    const locs = ['/no-tag.html', '/code.html', 'https://elsewhere.example/a.html'].map((p) => `<url><loc>${p.startsWith('/') ? site + p : p}</loc></url>`);
    return void res.writeHead(200, { 'content-type': 'application/xml' }).end(`<?xml version="1.0"?><urlset>${locs.join('')}</urlset>`);
  }
  if (url.pathname === '/palisade.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(SDK);
  if (url.pathname === '/worker.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(`fetch('${tracker}/from-worker', { mode: 'no-cors' });`);
  if (url.pathname === '/sw.js') {
    return void res
      .writeHead(200, { 'content-type': 'text/javascript' })
      .end(`self.addEventListener('install', function (e) { e.waitUntil(fetch('${tracker}/from-sw', { mode: 'no-cors' })); });`);
  }
  const make = PAGES[url.pathname];
  if (!make) return void res.writeHead(404).end();
  const headers: Record<string, string> = { 'content-type': 'text/html' };
  if (url.pathname === '/consent-csp.html') headers['content-security-policy'] = "img-src 'self'";
  if (url.pathname === '/preconnect.html') headers['content-security-policy-report-only'] = "default-src 'self'";
  // The third party's address for the pages' scripts, right after the tag.
  res.writeHead(200, headers).end(fill(make({ ua: String(req.headers['user-agent'] ?? '') })).replace(TAG, `${TAG}<script>var T = '${tracker}';</script>`));
}

/** *.test names reach the loopback server; every other name fails to resolve. */
const RESOLVE = ['--host-resolver-rules=MAP *.test 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'];

let result: ScanResult;
const of = (kind: string, path: string) => result.findings.filter((f) => f.kind === kind && f.template === path);

beforeAll(async () => {
  server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  site = `http://127.0.0.1:${port}`;
  tracker = `http://tracker.test:${port}`;
  result = await scan({
    urls: Object.keys(PAGES)
      .filter((p) => !p.startsWith('/consent') && p !== '/no-tag.html')
      .map((p) => `${site}${p}`),
    sitemap: `${site}/sitemap.xml`,
    depth: 0,
    pages: 20,
    consent: ['denied'],
    canaries,
    browser: { args: RESOLVE },
  });
}, 180_000);

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('scanner detectors (real Chromium)', { timeout: 180_000 }, () => {
  it('finds a canary sent as an unkeyed SHA-256, and one inside a base64 body', () => {
    const hashed = of('canary-leak', '/hashed.html');
    expect(hashed).toHaveLength(1);
    expect(hashed[0]!.evidence[0]!.canary).toEqual({ label: 'email', form: 'sha256', where: 'url' });
    expect(hashed[0]!.evidence[0]!.request!.url).toContain(createHash('sha256').update(canaries.value('email')).digest('hex'));
    const b64 = of('canary-leak', '/base64.html');
    expect(b64[0]!.evidence[0]!.canary).toEqual({ label: 'email', form: 'base64', where: 'body' });
    expect(b64[0]!.destination).toBe(`tracker.test:${port}`);
  });

  it('records requests from a worker, a third-party iframe and a service worker, and says where they came from', () => {
    const realm = (path: string, urlPart: string) =>
      of('third-party-request', path)
        .flatMap((f) => f.evidence)
        .find((e) => e.request!.url.includes(urlPart))?.request;
    expect(realm('/worker.html', '/from-worker')).toMatchObject({ realm: 'worker', realmUrl: `${site}/worker.js` });
    expect(realm('/iframe.html', '/pixel-in-frame.gif')).toMatchObject({ realm: 'frame', realmUrl: `${tracker}/frame.html` });
    expect(realm('/sw.html', '/from-sw')).toMatchObject({ realm: 'service-worker', realmUrl: `${site}/sw.js` });
  });

  it("reports what a third party's frame keeps in its storage (keys, never values)", () => {
    const stored = of('third-party-storage', '/iframe.html');
    expect(stored.map((f) => [f.destination, f.evidence[0]!.detail])).toEqual([[`tracker.test:${port}`, 'keys: tp_uid']]);
  });

  it('names the script that started a request (its initiator chain)', () => {
    const hashed = of('canary-leak', '/hashed.html')[0]!;
    expect(hashed.evidence[0]!.initiators).toContain(`${site}/hashed.html`);
  });

  it('reports a preconnect-only contact as a hint, not a request', () => {
    expect(of('third-party-hint', '/preconnect.html').map((f) => f.destination)).toEqual([`tracker.test:${port}`]);
    expect(of('third-party-request', '/preconnect.html')).toEqual([]);
  });

  it('sees the beacon an edge injects only for real browsers (it presents a desktop Chrome user agent)', () => {
    const edge = of('third-party-request', '/edge.html');
    expect(edge.map((f) => f.destination)).toEqual([`beacon.test:${port}`]);
    expect(trackerHits).toContain(`beacon.test:${port}/edge-beacon.js`);
  });

  it('finishes a page that runs debugger statements, and scans the pages a sitemap lists (same origin only)', () => {
    const stalled = result.pages.find((p) => p.template === '/debugger.html')!;
    expect([stalled.status, stalled.error]).toEqual([200, undefined]);
    // /no-tag.html is not a start URL: the sitemap brought it.
    expect(result.pages.map((p) => p.template)).toContain('/no-tag.html');
    expect(result.pages.some((p) => p.url.includes('elsewhere.example'))).toBe(false);
  });

  it('reports a page without the tag and one with the tag after another script; not the others', () => {
    expect(of('tag-missing', '/no-tag.html')).toHaveLength(1);
    expect(of('tag-not-first', '/late-tag.html')).toHaveLength(1);
    const tagged = result.findings.filter((f: Finding) => (f.kind === 'tag-missing' || f.kind === 'tag-not-first') && !['/no-tag.html', '/late-tag.html'].includes(f.template));
    expect(tagged).toEqual([]);
  });

  it('reports advanced matching in page code, and CSP missing or report-only', () => {
    expect(of('phi-collection-code', '/code.html').map((f) => f.vendor)).toEqual(['Facebook']);
    expect(of('csp-report-only', '/preconnect.html')).toHaveLength(1);
    expect(of('csp-missing', '/code.html')).toHaveLength(1);
  });

  it('counts a request to an origin allowed only with consent as a violation under a state that withholds it, even when the browser blocked it', async () => {
    const consentScan = await scan({
      urls: [`${site}/consent.html`, `${site}/consent-csp.html`],
      depth: 0,
      consent: ['denied', 'granted'],
      allowOrigins: [`http://cdn.test:${port}=analytics`],
      canaries,
      browser: { args: RESOLVE },
    });
    const violations = consentScan.findings.filter((f) => f.kind === 'consent-violation');
    expect(violations.map((f) => [f.template, f.consent])).toEqual(
      expect.arrayContaining([
        ['/consent.html', ['denied']],
        ['/consent-csp.html', ['denied']],
      ]),
    );
    expect(violations).toHaveLength(2);
    const blocked = violations.find((f) => f.template === '/consent-csp.html')!;
    expect(blocked.evidence[0]!.request!.failure).toBe('csp');
    expect(consentScan.pages.every((p) => p.consentApplied)).toBe(true);
    // An allowed origin is not a third-party finding in itself.
    expect(consentScan.findings.filter((f) => f.kind === 'third-party-request')).toEqual([]);
  });

  it("sets the state through a site's own consent hook, and says when no state could be set", async () => {
    const seen: string[] = [];
    const hooked = await scan({
      urls: [`${site}/no-tag.html`],
      depth: 0,
      consent: ['denied', 'granted'],
      canaries,
      browser: { args: RESOLVE },
      consentHook: async ({ page, state }) => {
        seen.push(`${new URL(page.url()).pathname} ${state}`);
        await page.evaluate((s) => localStorage.setItem('cmp', s), state);
        return true;
      },
    });
    expect(seen).toEqual(['/no-tag.html denied', '/no-tag.html granted']);
    expect(hooked.pages.map((p) => [p.consent, p.consentApplied])).toEqual([
      ['denied', true],
      ['granted', true],
    ]);
    // Without the SDK on the page and without a hook, only GPC (a browser signal) can be set.
    const unset = await scan({ urls: [`${site}/no-tag.html`], depth: 0, consent: ['denied', 'gpc'], canaries, browser: { args: RESOLVE } });
    expect(unset.pages.map((p) => [p.consent, p.consentApplied])).toEqual([
      ['denied', false],
      ['gpc', true],
    ]);
  });
});
