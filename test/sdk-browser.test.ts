/**
 * The SDK in real Chromium, on the demo clinic site served by the real relay process, with the
 * vendor sandbox on loopback. What the vendors received is read back from the sandbox.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '@palisade/vendor-sandbox';
import { LOADER_SNIPPET } from '../packages/sdk/src/loader-snippet.js';
import { launchBrowser, loopbackOnly } from './helpers/browser.js';
import {
  demoConfig,
  freePort,
  ga4Events,
  removeDir,
  runCli,
  startDemoStack,
  startRelayProcess,
  tempDir,
  waitFor,
  webhookEvents,
  writeConfig,
  type RelayProcess,
} from './helpers/processes.js';

const CANARIES = {
  full_name: 'Janet Canaryworth',
  email: 'jane.canary@example.com',
  phone: '(555) 010-4477',
  dob: '1961-04-12',
  notes: 'MRN-88231947 panic attacks since 2019',
  username: 'jcanaryworth61',
  password: 'Hunter2-Canary!',
};

let sandbox: Sandbox;
let relay: RelayProcess;
let dir: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let sdkBodies: string[];
let sdkContentTypes: string[];
let blocked: string[];

let stack: Awaited<ReturnType<typeof startDemoStack>>;

beforeAll(async () => {
  stack = await startDemoStack();
  ({ sandbox, relay, dir } = stack);
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});
beforeEach(async () => {
  sandbox.recorder.clear();
  context = await browser.newContext();
  blocked = await loopbackOnly(context);
  page = await context.newPage();
  sdkBodies = [];
  sdkContentTypes = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/v1/batch')) {
      sdkBodies.push(request.postData() ?? '');
      sdkContentTypes.push(`${request.method()} ${request.headers()['content-type']}`);
    }
  });
});
afterEach(async () => {
  await context.close();
});

type Clean = { event: string; properties: Record<string, any>; context: { page?: { path?: string } }; userId?: string };
const hookEvents = () => webhookEvents(sandbox.recorder.list('webhook')) as Clean[];

async function fillEverything(p: Page) {
  for (const [name, value] of Object.entries(CANARIES)) {
    const field = p.locator(`[name="${name}"]`);
    if ((await field.count()) === 0) continue;
    await field.fill(value);
  }
  const select = p.locator('select');
  if ((await select.count()) > 0) await select.selectOption({ index: 1 });
}

// Browser tests share two cores with the rest of the suite: give them room.
describe('SDK on the demo site', { timeout: 60_000 }, () => {
  it('delivers pageviews (with SPA navigation), clicks with element chains, submits without values, and a masked identify', async () => {
    await page.goto(`${relay.url}/`);
    await page.click('text=Find a doctor >> nth=0');
    await page.waitForURL('**/find-a-doctor.html');
    await page.click('[data-specialty="cardiology"]');
    await page.waitForURL('**/find-a-doctor/cardiology');
    await page.goto(`${relay.url}/book.html`);
    await fillEverything(page);
    await Promise.all([page.waitForURL('**/thank-you.html'), page.click('#book-submit')]);
    await page.goto(`${relay.url}/portal-home.html`);
    await page.evaluate(() => (window as unknown as { palisade: { flush(): Promise<void> } }).palisade.flush());

    const events = await waitFor(async () => {
      const got = hookEvents();
      return got.some((e) => e.event === '$submit') && got.some((e) => e.event === '$identify') ? got : undefined;
    }, 'autotracked events at the webhook');
    // Simple requests only (no CORS preflight): POST with the browser's text/plain body type.
    expect(new Set(sdkContentTypes)).toEqual(new Set(['POST text/plain;charset=UTF-8']));
    const pageviews = events.filter((e) => e.event === '$pageview').map((e) => e.context.page?.path);
    expect(pageviews).toEqual(expect.arrayContaining(['/', '/find-a-doctor.html', '/find-a-doctor/cardiology', '/book.html', '/thank-you.html', '/portal-home.html']));
    const tab = events.find((e) => e.event === '$click' && String(e.properties.$elements).startsWith('button'));
    expect(tab?.properties.$elements).toMatch(/^button\.btn:nth-of-type\(2\)\[role=tab\] < div\.tabs:nth-of-type\(1\)\[role=tablist\] < main/);
    expect(tab?.properties.$text).toBe('Cardiology');
    const submit = events.find((e) => e.event === '$submit')!;
    expect(submit.properties.$fields).toEqual(['full_name', 'email', 'phone', 'reason', 'notes', 'marketing_authorization']);
    expect(submit.properties.$elements).toMatch(/^form#appointment\.stack/);
    expect(events.find((e) => e.event === 'Appointment Booked')?.properties).toEqual({ service_line: 'behavioral-health', appointment: { type: 'new-patient' } });

    const ga4 = await waitFor(async () => {
      const got = ga4Events(sandbox.recorder.list('ga4'));
      return got.some((e) => e.name === 'identify') ? got : undefined;
    }, 'identify at GA4');
    const identify = ga4.find((e) => e.name === 'identify')!;
    expect(identify.user_id).toMatch(/^k1:[A-Za-z0-9_-]{43}$/);
    const everything = JSON.stringify(sandbox.recorder.list());
    expect(everything).not.toContain('pt_8f3a2c91');
    for (const canary of Object.values(CANARIES)) expect(everything).not.toContain(canary);
  });

  it('lets no vendor tag of the demo pages reach the network, and names them in the tracker inventory', async () => {
    for (const path of ['/', '/behavioral-health.html', '/find-a-doctor.html', '/book.html', '/portal.html']) {
      const response = await page.goto(`${relay.url}${path}`);
      expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
      // Lazy embeds (the map) load when scrolled into view.
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      await page.waitForTimeout(100);
    }
    await page.waitForTimeout(300);
    // The CSP stopped every third-party request before it was made: Playwright saw none.
    expect(blocked).toEqual([]);
    const inventory = await waitFor(async () => {
      const r = await runCli(['trackers', '--json', '--data-dir', `${dir}/data`]);
      const rows = JSON.parse(r.stdout) as Array<{ vendor?: string; origin: string; kind: string }>;
      const complete = ['YouTube', 'Meta (Facebook)', 'Google Maps'].every((v) => rows.some((t) => t.vendor === v));
      return complete ? rows : undefined;
    }, 'the tracker inventory');
    const vendors = new Set(inventory.map((t) => t.vendor));
    for (const v of ['Google Tag Manager', 'Google Analytics', 'Meta (Facebook)', 'TikTok', 'LinkedIn', 'Hotjar', 'YouTube', 'Google Maps']) expect(vendors).toContain(v);
    // Meta's snippet found Palisade's fbq stand-in and never asked for fbevents.js at all: Meta is
    // in the inventory only through the shim (kind `shim`), never as a blocked request.
    expect(inventory.filter((t) => t.vendor === 'Meta (Facebook)').map((t) => t.kind)).toEqual(['shim']);
    expect(inventory.find((t) => t.vendor === 'YouTube')?.kind).toBe('frame');
    // Browsers report a blocked frame by its origin only ("a Google frame"); the SDK's guard saw
    // the parser insert it and reported the first path segment too: it is Google Maps.
    expect(inventory.find((t) => t.vendor === 'Google Maps')).toMatchObject({ origin: 'https://www.google.com', kind: 'frame', pages: ['/'] });
    expect(JSON.stringify(inventory)).not.toMatch(/GTM-K7PX2QD|914305718822301|\?/);
  });

  it("turns the page's own gtag, dataLayer and fbq calls into first-party events", async () => {
    await page.goto(`${relay.url}/book.html`);
    await fillEverything(page);
    await Promise.all([page.waitForURL('**/thank-you.html'), page.click('#book-submit')]);
    await page.evaluate(() => (window as unknown as { palisade: { flush(): Promise<void> } }).palisade.flush());
    const events = await waitFor(async () => {
      const got = hookEvents() as Array<Clean & { context: { shim?: string } }>;
      return ['Lead', 'generate_lead', 'appointment_booked'].every((n) => got.some((e) => e.event === n)) ? got : undefined;
    }, 'shimmed events at the webhook');
    expect(events.find((e) => e.event === 'Lead')?.context.shim).toBe('fbq');
    expect(events.find((e) => e.event === 'generate_lead')?.context.shim).toBe('gtag');
    expect(events.find((e) => e.event === 'appointment_booked')?.context.shim).toBe('dataLayer');
    expect(blocked).toEqual([]);
    // The vendors whose calls the shims answered are in the tracker inventory too.
    const inventory = JSON.parse((await runCli(['trackers', '--json', '--data-dir', `${dir}/data`])).stdout) as Array<{ vendor?: string; kind: string }>;
    const shimmed = inventory.filter((t) => t.kind === 'shim').map((t) => t.vendor);
    expect(shimmed).toEqual(expect.arrayContaining(['Meta (Facebook)', 'Google Analytics', 'Google Tag Manager']));
  });

  it("runs the page's own inline scripts under a nonce, and no inline script or speculation rule injected later", async () => {
    await page.goto(`${relay.url}/book.html`);
    // The page's inline snippets ran (the gtag stub they define is the SDK's shim).
    expect(await page.evaluate(() => typeof (window as unknown as { gtag?: unknown }).gtag)).toBe('function');
    const injected = await page.evaluate(async () => {
      const w = window as unknown as { __injected?: number };
      const s = document.createElement('script');
      s.textContent = 'window.__injected = 1';
      document.head.append(s);
      const rules = document.createElement('script');
      rules.type = 'speculationrules';
      rules.textContent = JSON.stringify({ prefetch: [{ source: 'list', urls: ['/thank-you.html?speculated'] }] });
      document.head.append(rules);
      await new Promise((r) => setTimeout(r, 300));
      return w.__injected ?? 0;
    });
    expect(injected).toBe(0);
  });

  it('never puts what a visitor types into any request the SDK sends', async () => {
    for (const path of ['/book.html', '/portal.html']) {
      await page.goto(`${relay.url}${path}`);
      await fillEverything(page);
      for (const field of await page.locator('input, textarea').all()) await field.press('Tab');
      await Promise.all([page.waitForNavigation(), page.locator('button[type=submit]').click()]);
      await page.evaluate(() => (window as unknown as { palisade: { flush(): Promise<void> } }).palisade.flush());
    }
    expect(sdkBodies.length).toBeGreaterThan(1);
    const all = sdkBodies.join('\n');
    expect(all).toContain('$submit');
    for (const canary of Object.values(CANARIES)) {
      expect(all).not.toContain(canary);
      expect(all).not.toContain(encodeURIComponent(canary));
    }
  });

  it('keeps events through a relay outage and delivers them after a reload', async () => {
    // A second relay process takes the events (data-api), so it can go down while the page, served
    // from a plain loopback server, stays up.
    const ingestPort = await freePort();
    const ingestUrl = `http://127.0.0.1:${ingestPort}`;
    const host = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><html><head><title>Outage</title>
      <script src="${relay.url}/palisade.js" data-write-key="pk_dev_demo_clinic" data-api="${ingestUrl}" data-autotrack="off"></script>
      </head><body>outage</body></html>`),
    );
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    const pageUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}/outage.html`;
    const config = demoConfig(sandbox.url, relay.port);
    config.environments.development.allowedOrigins.push(new URL(pageUrl).origin);
    const configDir = tempDir();
    const configPath = writeConfig(configDir, config);
    const ingestDir = `${dir}/ingest-data`;
    let ingest = await startRelayProcess(configPath, ingestDir, undefined, ingestPort);
    try {
      await ingest.stop('SIGKILL');
      await page.goto(pageUrl);
      await page.evaluate(async () => {
        const p = (window as unknown as { palisade: { track(e: string, p: object): void; flush(): Promise<void> } }).palisade;
        p.track('Appointment Booked', { service_line: 'during-outage' });
        await p.flush();
      });
      await page.waitForTimeout(500);
      expect(hookEvents().filter((e) => e.properties.service_line === 'during-outage')).toEqual([]);
      ingest = await startRelayProcess(configPath, ingestDir, undefined, ingestPort);
      await page.reload();
      const delivered = await waitFor(
        async () => {
          const got = hookEvents().filter((e) => e.properties.service_line === 'during-outage');
          return got.length > 0 ? got : undefined;
        },
        'events queued during the outage',
        30_000,
      );
      expect(delivered).toHaveLength(1);
    } finally {
      await ingest.stop();
      host.close();
      removeDir(configDir);
    }
  });

  it('delivers the last click before navigating to a page without Palisade (page-hide flush)', async () => {
    await page.goto(`${relay.url}/index.html`);
    await page.evaluate(() => {
      const a = document.createElement('a');
      a.href = '/healthz';
      a.id = 'leave';
      a.textContent = 'Leave now';
      document.querySelector('main')!.append(a);
    });
    await Promise.all([page.waitForURL('**/healthz'), page.click('#leave')]);
    const click = await waitFor(async () => hookEvents().find((e) => e.event === '$click' && String(e.properties.$elements).startsWith('a#leave')), 'the last click');
    expect(click.properties.$text).toBe('Leave now');
  });

  it('replays calls made before an async-loaded SDK with the page context of their moment', async () => {
    const html = `<!doctype html><html><head><title>Snippet</title>
      <script>${SNIPPET}</script>
      <script>palisade.track('Appointment Booked', { service_line: 'before-load' }); history.replaceState(null, '', '/moved');</script>
      <script async src="/palisade.js" data-write-key="pk_dev_demo_clinic" data-consent-default="analytics" data-autotrack="off"></script>
      </head><body>snippet</body></html>`;
    await page.route('**/snippet.html', (route) => route.fulfill({ contentType: 'text/html', body: html }));
    await page.goto(`${relay.url}/snippet.html`);
    await page.waitForFunction(() => typeof (window as unknown as { palisade: { flush?: unknown } }).palisade.flush === 'function');
    await page.evaluate(() => (window as unknown as { palisade: { flush(): Promise<void> } }).palisade.flush());
    const event = await waitFor(async () => hookEvents().find((e) => e.properties.service_line === 'before-load'), 'the replayed call');
    // Recorded on /snippet.html, not where the page was when the SDK arrived (/moved).
    expect(event.context.page?.path).toBe('/snippet.html');
    expect(hookEvents().filter((e) => e.event === '$pageview')).toEqual([]);
  });

  it('lets two tabs share one queue without sending any event twice', async () => {
    const second = await context.newPage();
    const bodies: string[] = [];
    for (const p of [page, second]) {
      p.on('request', (request) => {
        if (request.url().endsWith('/v1/batch')) bodies.push(request.postData() ?? '');
      });
    }
    await Promise.all([page.goto(`${relay.url}/find-a-doctor.html`), second.goto(`${relay.url}/find-a-doctor.html`)]);
    await Promise.all(
      [page, second].map((p, tab) =>
        p.evaluate(async (t) => {
          const api = (window as unknown as { palisade: { track(e: string, p: object): void; flush(): Promise<void> } }).palisade;
          for (let i = 0; i < 15; i++) api.track('Appointment Booked', { service_line: `tab-${t}` });
          await Promise.all([api.flush(), api.flush()]);
        }, tab),
      ),
    );
    await Promise.all([page, second].map((p) => p.evaluate(() => (window as unknown as { palisade: { flush(): Promise<void> } }).palisade.flush())));
    const ids = bodies
      .flatMap((b) => (JSON.parse(b) as { batch: Array<{ messageId: string; event?: string }> }).batch)
      .filter((m) => m.event === 'Appointment Booked')
      .map((m) => m.messageId);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
  });
});

/** The async loader, as the README shows it. */
const SNIPPET = LOADER_SNIPPET;
