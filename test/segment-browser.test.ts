/**
 * Segment's browser library, unmodified (@segment/analytics-next from npm, bundled as a site
 * would bundle it), loaded with the relay as its `cdnURL`: it fetches its settings from the relay,
 * sends every call there, loads nothing from a third party, and what reaches the GA4 stand-in is
 * masked and allowlisted.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import commonjsModule from '@rollup/plugin-commonjs';
import resolveModule from '@rollup/plugin-node-resolve';
import replaceModule from '@rollup/plugin-replace';
import { rollup, type Plugin } from 'rollup';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Sandbox } from '@palisade/vendor-sandbox';
import { launchBrowser, loopbackOnly } from './helpers/browser.js';
import {
  e2eConfig,
  freePort,
  ga4Events,
  removeDir,
  ROOT,
  startE2eSandbox,
  startRelayProcess,
  tempDir,
  waitFor,
  WRITE_KEY,
  writeConfig,
  type RelayProcess,
} from './helpers/processes.js';

let browser: Browser;
let sandbox: Sandbox;
let relay: RelayProcess;
let dir: string;

/** The plugins are CommonJS: their factory is the default export under one module system and `.default` under the other. */
type PluginFactory = (options?: Record<string, unknown>) => Plugin;
const factory = (m: unknown) => ((m as { default?: PluginFactory }).default ?? m) as PluginFactory;
const [commonjs, resolve, replace] = [factory(commonjsModule), factory(resolveModule), factory(replaceModule)];

/** The library as it ships on npm, in one IIFE (its lazily loaded chunks inlined, as a bundler would). */
async function bundleAnalyticsNext(into: string): Promise<void> {
  const input = join(into, 'entry.mjs');
  writeFileSync(input, "import { AnalyticsBrowser } from '@segment/analytics-next';\nwindow.AnalyticsBrowser = AnalyticsBrowser;\n");
  const build = await rollup({
    input,
    onwarn: () => undefined,
    plugins: [
      replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': JSON.stringify('production') } }),
      resolve({ browser: true, rootDir: ROOT, modulePaths: [join(ROOT, 'node_modules')] }),
      commonjs(),
    ],
  });
  await build.write({ file: join(into, 'segment.js'), format: 'iife', inlineDynamicImports: true });
  await build.close();
}

beforeAll(async () => {
  dir = tempDir();
  const site = join(dir, 'site');
  mkdirSync(site);
  await bundleAnalyticsNext(site);
  // The page: the library and the site's calls, exactly as a Segment site makes them, but for
  // the one changed option (cdnURL: the relay's origin).
  writeFileSync(
    join(site, 'index.html'),
    `<!doctype html><html><head><meta charset="utf-8"><title>Book</title><script src="/segment.js"></script></head><body>
<script>
  window.analytics = AnalyticsBrowser.load({ writeKey: ${JSON.stringify(WRITE_KEY)}, cdnURL: location.origin });
  analytics.identify('patient-4411', { plan: 'premium', email: 'jane.canary@example.com' });
  analytics.track('Appointment Booked', { service_line: 'cardiology', email: 'jane.canary@example.com', reason: 'chest pain' });
  analytics.page('Book', { search: '?email=jane.canary%40example.com' });
</script></body></html>`,
  );
  sandbox = await startE2eSandbox();
  const port = await freePort();
  const config = e2eConfig(sandbox.url) as { environments: { production: { allowedOrigins: string[] } } };
  config.environments.production.allowedOrigins = [`http://127.0.0.1:${port}`];
  relay = await startRelayProcess(writeConfig(dir, config), join(dir, 'data'), undefined, port, ['--site', site]);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await relay?.stop();
  await sandbox?.stop();
  removeDir(dir);
});

it('sends track, identify and page calls to the relay only, and they arrive de-identified', async () => {
  const context = await browser.newContext();
  const elsewhere = await loopbackOnly(context);
  const requests: string[] = [];
  context.on('request', (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
  const page = await context.newPage();
  await page.goto(`${relay.url}/`);

  const events = await waitFor(async () => {
    const got = ga4Events(sandbox.recorder.list('ga4'));
    return got.length >= 3 ? got : undefined;
  }, 'three GA4 events from analytics-next');
  await context.close();

  // It read its settings from the relay and posted each call to the paths it always uses.
  expect(requests).toContain(`GET /v1/projects/${WRITE_KEY}/settings`);
  expect(requests).toEqual(expect.arrayContaining(['POST /v1/i', 'POST /v1/t', 'POST /v1/p']));
  // Nothing else was fetched from anywhere: no CDN bundle, no integration, no metrics.
  expect(elsewhere).toEqual([]);

  const byName = Object.fromEntries(events.map((e) => [e.name, e]));
  expect(Object.keys(byName).sort()).toEqual(['appointment_booked', 'identify', 'page_view']);
  expect(byName.appointment_booked!.params).toMatchObject({ service_line: 'cardiology', email: expect.stringMatching(/^k1:/) });
  expect(byName.appointment_booked!.params).not.toHaveProperty('reason');
  for (const e of events) {
    expect(e.client_id).toMatch(/^k1:/);
    expect(e.user_id).toMatch(/^k1:/);
  }
  const text = JSON.stringify(sandbox.recorder.list());
  for (const leak of ['jane', 'canary', 'chest pain', 'patient-4411']) expect(text).not.toContain(leak);
});
