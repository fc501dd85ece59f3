/**
 * What a person sees in the demo, in Chromium against the real `palisade start`: the embed
 * placeholders on the clinic's pages, and the vendor sandbox page a compliance reviewer reads.
 * Screenshots go to test-results/ for a person to look at.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, loopbackOnly } from './helpers/browser.js';
import { ROOT, removeDir, startDemoProcess, tempDir, waitFor, type DemoProcess } from './helpers/processes.js';

const SHOTS = join(ROOT, 'test-results');
let browser: Browser;
let demo: DemoProcess;
let site: string;
let sandbox: string;
const dirs: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const d = tempDir();
  dirs.push(d);
  demo = await startDemoProcess(d);
  site = `http://127.0.0.1:${demo.port}`;
  sandbox = `http://127.0.0.1:${demo.sandboxPort}`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  dirs.forEach(removeDir);
});

describe('the demo clinic', () => {
  it('shows a placeholder that says why, where a YouTube video and a Google map were', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const attempted = await loopbackOnly(context);
    const page = await context.newPage();
    for (const [path, vendor, shot] of [
      ['/behavioral-health.html', 'YouTube', 'demo-embed-youtube.png'],
      ['/', 'Google Maps', 'demo-embed-map.png'],
    ] as const) {
      await page.goto(`${site}${path}`);
      const note = page.locator('.embed.blocked');
      await note.waitFor();
      expect(await note.count()).toBe(1);
      expect(await note.locator('strong').textContent()).toBe(`${vendor} embed blocked`);
      expect(await note.textContent()).toContain('which page of our site you are reading');
      expect(await page.locator('iframe.embed').count()).toBe(0);
      const box = await note.boundingBox();
      expect(box!.height).toBeGreaterThan(100);
      await note.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SHOTS, shot), fullPage: true });
    }
    await context.close();
    // The frames never loaded: nothing outside loopback was even attempted.
    expect(attempted).toEqual([]);
  });
});

describe('the vendor sandbox page', () => {
  it('shows per vendor and event the fields received, masked ones marked, beside what the browser sent, with filters', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    await loopbackOnly(context);
    const page = await context.newPage();
    await page.goto(`${site}/book.html`);
    await page.evaluate(async () => {
      const p = (window as unknown as { palisade: { track(e: string, p: object): void; flush(): Promise<void> } }).palisade;
      p.track('Appointment Booked', { service_line: 'behavioral-health', email: 'jane@example.com', reason: 'anxiety' });
      await p.flush();
    });
    await waitFor(async () => {
      const items = (await (await fetch(`${sandbox}/api/received?vendor=ga4`)).json()) as unknown[];
      return JSON.stringify(items).includes('appointment_booked');
    }, 'the booking at the GA4 stand-in');

    await page.goto(`${sandbox}/?event=appointment`);
    const article = page.locator('article', { hasText: 'appointment_booked' }).first();
    await article.waitFor();
    const received = article.locator('table').first();
    const sent = article.locator('.sent table');
    // Received: service_line in clear, email masked and marked, no reason.
    expect(await received.locator('tr', { hasText: 'params.service_line' }).textContent()).toContain('behavioral-health');
    expect(await received.locator('tr', { hasText: 'params.email' }).locator('.masked').textContent()).toBe('masked');
    expect(await received.locator('tr', { hasText: 'client_id' }).locator('.masked').count()).toBe(1);
    expect(await received.textContent()).not.toContain('anxiety');
    expect(await received.textContent()).not.toContain('jane');
    // Sent, beside it: the browser's own message, email and reason included.
    expect(await sent.locator('tr', { hasText: 'properties.email' }).textContent()).toContain('jane@example.com');
    expect(await sent.locator('tr', { hasText: 'properties.reason' }).textContent()).toContain('anxiety');
    expect(await page.locator('.lead').textContent()).toContain('k1');
    await page.screenshot({ path: join(SHOTS, 'sandbox-page.png'), fullPage: false });

    // Filters: one vendor, an event name.
    await page.goto(`${sandbox}/?vendor=webhook`);
    expect(await page.locator('section h2').allTextContents()).toEqual([expect.stringContaining('Signed webhook')]);
    await page.goto(`${sandbox}/?vendor=ga4&event=no-such-event`);
    expect(await page.locator('section').textContent()).toContain('No event matches the filter.');
    // The JSON API is still there for tests and scripts.
    expect((await fetch(`${sandbox}/api/received`)).headers.get('content-type')).toContain('application/json');
    await context.close();
  });
});
