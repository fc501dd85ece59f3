/**
 * A visitor lands on the demo site from an ad (`?gclid=...&fbclid=...`), browses, and books later
 * in the session, in real Chromium against the real relay process and the vendor sandbox. The
 * click ids reach Google Ads and Meta only when the visitor ticked the marketing authorization
 * on the booking form; without it Meta gets masked ids only and Google Ads nothing at all.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '@palisade/vendor-sandbox';
import { launchBrowser, loopbackOnly } from './helpers/browser.js';
import { cliEnv, runCli, startDemoStack, waitFor, type RelayProcess } from './helpers/processes.js';

const GCLID = 'Cj0KCQiAbrowserGclid0001';
const FBCLID = 'IwARbrowserFbclid0001';

let stack: Awaited<ReturnType<typeof startDemoStack>>;
let sandbox: Sandbox;
let relay: RelayProcess;
let dir: string;
let browser: Browser;

beforeAll(async () => {
  stack = await startDemoStack();
  ({ sandbox, relay, dir } = stack);
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});
beforeEach(() => sandbox.recorder.clear());

/** Lands from an ad, allows ad measurement, browses, and books; returns what left the browser for other hosts. */
async function visitAndBook(authorize: boolean): Promise<string[]> {
  const context = await browser.newContext();
  const blocked = await loopbackOnly(context);
  const page: Page = await context.newPage();
  await page.goto(`${relay.url}/?gclid=${GCLID}&fbclid=${FBCLID}&utm_source=ads`);
  await page.click('#consent-allow-ads');
  await page.goto(`${relay.url}/find-a-doctor.html`);
  await page.goto(`${relay.url}/book.html`);
  await page.fill('input[name=full_name]', 'Janet Canaryworth');
  await page.fill('input[name=email]', 'jane.canary@example.com');
  if (authorize) await page.check('#marketing-authorization');
  await Promise.all([page.waitForURL('**/thank-you.html'), page.click('#book-submit')]);
  await page.evaluate(() => (window as unknown as { palisade: { flush(): Promise<void> } }).palisade.flush());
  await context.close();
  return blocked;
}

const metaEvents = () => sandbox.recorder.list('meta').flatMap((r) => (r.body as { data: Array<Record<string, any>> }).data);
const googleConversions = () => sandbox.recorder.list('google-ads').flatMap((r) => (r.body as { conversions: Array<Record<string, any>> }).conversions);

describe('click ids from an ad landing', () => {
  it('stay in the browser’s first-party storage and reach no vendor without the authorization', async () => {
    const blocked = await visitAndBook(false);
    const booked = await waitFor(async () => metaEvents().find((e) => e.event_name === 'Schedule'), 'the booking at Meta');
    expect(booked.user_data).not.toHaveProperty('fbc');
    expect(booked.data_processing_options).toEqual(['LDU']);
    await waitFor(async () => {
      const log = await runCli(['dlq', 'log', '--json', '--destination', 'google-ads', '--data-dir', `${dir}/data`], cliEnv());
      return (JSON.parse(log.stdout) as Array<{ outcome: string; detail: string }>).some((e) => e.outcome === 'dropped' && e.detail.includes('no click id'));
    }, 'the Google Ads drop in the delivery log');
    expect(googleConversions()).toEqual([]);
    const text = JSON.stringify(sandbox.recorder.list());
    expect(text).not.toContain(GCLID);
    expect(text).not.toContain(FBCLID);
    expect(text).not.toContain('canary');
    // No vendor saw the visit from the browser either: the guard and CSP stopped every pixel before the network.
    expect(blocked).toEqual([]);
  });

  it('reach Google Ads and Meta with the booking when the visitor ticked the authorization', async () => {
    await visitAndBook(true);
    const booked = await waitFor(async () => metaEvents().find((e) => e.event_name === 'Schedule'), 'the booking at Meta');
    expect(booked.user_data.fbc).toMatch(new RegExp(`^fb\\.1\\.\\d{13}\\.${FBCLID}$`));
    expect(booked.data_processing_options).toEqual([]);
    const [conversion] = await waitFor(async () => (googleConversions().length > 0 ? googleConversions() : undefined), 'the conversion at Google Ads');
    expect(conversion).toMatchObject({ gclid: GCLID, conversionAction: 'customers/1234567890/conversionActions/987654321', consent: { adUserData: 'GRANTED' } });
    // The page views before the booking carried no authorization: Meta got them without a click
    // id. The thank-you page comes after it, with it.
    const views = metaEvents().filter((e) => e.event_name === 'PageView');
    const before = views.filter((v) => !String(v.event_source_url).endsWith('/thank-you.html'));
    // (The landing page's view came before the visitor allowed ad measurement: Meta never got it.)
    expect(before.map((v) => new URL(v.event_source_url).pathname).sort()).toEqual(['/book.html', '/find-a-doctor.html']);
    for (const v of before) expect(v.user_data).not.toHaveProperty('fbc');
    expect(views.find((v) => String(v.event_source_url).endsWith('/thank-you.html'))?.user_data.fbc).toBe(booked.user_data.fbc);
    expect(JSON.stringify(sandbox.recorder.list())).not.toContain('canary');
  });
});
