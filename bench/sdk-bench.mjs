// The SDK beside its peers, measured in one run: minified+gzip size of each, bundled the same way
// from npm (rollup, node-resolve, commonjs, terser, one IIFE), and in Chromium the script
// evaluation plus init time and the median main-thread cost of one autotracked click.
// Every request the pages make is answered or aborted by Playwright: nothing leaves the machine.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import commonjs from '@rollup/plugin-commonjs';
import resolve from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import terser from '@rollup/plugin-terser';
import { chromium } from 'playwright-core';
import { rollup } from 'rollup';

const PEERS = [
  {
    name: 'Segment analytics-next',
    autotracks: false,
    entry: `import { AnalyticsBrowser } from '@segment/analytics-next';
window.analytics = AnalyticsBrowser.load({ writeKey: 'bench' });`,
  },
  {
    name: 'RudderStack v3',
    autotracks: false,
    entry: `import { RudderAnalytics } from '@rudderstack/analytics-js';
const a = new RudderAnalytics(); a.load('bench', 'https://dataplane.invalid'); window.rudder = a;`,
  },
  {
    name: 'Snowplow (+ link and form tracking)',
    autotracks: true,
    entry: `import { newTracker, trackPageView } from '@snowplow/browser-tracker';
import { LinkClickTrackingPlugin, enableLinkClickTracking } from '@snowplow/browser-plugin-link-click-tracking';
import { FormTrackingPlugin, enableFormTracking } from '@snowplow/browser-plugin-form-tracking';
newTracker('sp', 'https://collector.invalid', { appId: 'bench', plugins: [LinkClickTrackingPlugin(), FormTrackingPlugin()] });
enableLinkClickTracking(); enableFormTracking(); trackPageView();`,
  },
  {
    name: 'posthog-js',
    autotracks: true,
    entry: `import posthog from 'posthog-js';
posthog.init('phc_bench', { api_host: 'https://posthog.invalid', autocapture: true });
window.posthog = posthog;`,
  },
];

async function bundle(root, dir, peer) {
  const input = join(dir, `${peer.name.replace(/\W+/g, '-')}.mjs`);
  writeFileSync(input, peer.entry);
  const build = await rollup({
    input,
    onwarn: () => undefined,
    plugins: [
      replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': JSON.stringify('production') } }),
      resolve({ browser: true, rootDir: root, modulePaths: [join(root, 'node_modules')] }),
      commonjs(),
      terser({ ecma: 2020, compress: { passes: 2 }, format: { comments: false } }),
    ],
  });
  const { output } = await build.generate({ format: 'iife', inlineDynamicImports: true });
  await build.close();
  return output[0].code;
}

const PAGE = (script) => `<!doctype html><html><head>
<script>window.__t0 = performance.now();</script>
<script data-write-key="pk_bench_0123456789" data-consent-default="analytics">${script.replace(/<\/script/gi, '<\\/script')}</script>
<script>window.__t1 = performance.now();</script>
</head><body><main><a id="target" href="#clicked">Book an appointment</a><form><input name="q"></form></main></body></html>`;

async function measureInChromium(code, clicks) {
  const browser = await chromium.launch({
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    ...(existsSync('/usr/bin/chromium') ? { executablePath: '/usr/bin/chromium' } : {}),
  });
  try {
    const evals = [];
    const clickCosts = [];
    for (let run = 0; run < 5; run++) {
      const context = await browser.newContext();
      await context.route('**/*', (route) => (route.request().url() === 'http://127.0.0.1:9/bench.html'
        ? route.fulfill({ contentType: 'text/html', body: PAGE(code) })
        : route.abort('blockedbyclient')));
      const page = await context.newPage();
      await page.goto('http://127.0.0.1:9/bench.html');
      evals.push(await page.evaluate(() => window.__t1 - window.__t0));
      if (clicks) {
        await page.waitForTimeout(200);
        clickCosts.push(await page.evaluate(() => {
          const target = document.getElementById('target');
          const costs = [];
          for (let i = 0; i < 101; i++) {
            const t = performance.now();
            target.click();
            costs.push(performance.now() - t);
          }
          return costs.sort((a, b) => a - b)[50];
        }));
      }
      await context.close();
    }
    const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
    return { evalMs: median(evals), clickMs: clicks ? median(clickCosts) : undefined };
  } finally {
    await browser.close();
  }
}

export async function runSdkBench(root) {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-sdk-bench-'));
  const rows = [];
  try {
    const palisade = readFileSync(join(root, 'packages/sdk/dist/palisade.js'), 'utf8');
    rows.push({ name: 'Palisade (IIFE: autotrack, tag shims)', code: palisade, autotracks: true });
    for (const peer of PEERS) rows.push({ name: peer.name, code: await bundle(root, dir, peer), autotracks: peer.autotracks });
    const baseline = await measureInChromium('', true);
    for (const row of rows) {
      row.min = Buffer.byteLength(row.code);
      row.gzip = gzipSync(row.code, { level: 9 }).length;
      Object.assign(row, await measureInChromium(row.code, row.autotracks));
    }
    return { rows, baseline };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printSdkTable({ rows, baseline }) {
  const kb = (n) => (n / 1024).toFixed(1);
  console.log('\nBrowser SDK beside its peers (same bundling for all; Chromium, median of 5 page loads)\n');
  console.log('| SDK | minified KB | min+gzip KB | eval + init ms | one autotracked click, ms (median of 101) |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.name} | ${kb(r.min)} | ${kb(r.gzip)} | ${r.evalMs.toFixed(2)} | ${r.clickMs === undefined ? 'no click autotrack' : r.clickMs.toFixed(3)} |`);
  }
  console.log(`| (page without any SDK) | 0 | 0 | ${baseline.evalMs.toFixed(2)} | ${baseline.clickMs.toFixed(3)} |`);
  console.log('\nbudget: Palisade IIFE <= 8 KB min+gzip with the guard and shims (5 KB before them)');
}
