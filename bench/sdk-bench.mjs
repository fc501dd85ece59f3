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

/** The system's Chromium where installed, else Playwright's own. */
function launchChromium() {
  return chromium.launch({
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    ...(existsSync('/usr/bin/chromium') ? { executablePath: '/usr/bin/chromium' } : {}),
  });
}

async function measureInChromium(code, clicks) {
  const browser = await launchChromium();
  try {
    const evals = [];
    const clickCosts = [];
    for (let run = 0; run < 5; run++) {
      const context = await browser.newContext();
      await context.route('**/*', (route) =>
        route.request().url() === 'http://127.0.0.1:9/bench.html' ? route.fulfill({ contentType: 'text/html', body: PAGE(code) }) : route.abort('blockedbyclient'),
      );
      const page = await context.newPage();
      await page.goto('http://127.0.0.1:9/bench.html');
      evals.push(await page.evaluate(() => window.__t1 - window.__t0));
      if (clicks) {
        await page.waitForTimeout(200);
        clickCosts.push(
          await page.evaluate(() => {
            const target = document.getElementById('target');
            const costs = [];
            for (let i = 0; i < 101; i++) {
              const t = performance.now();
              target.click();
              costs.push(performance.now() - t);
            }
            return costs.sort((a, b) => a - b)[50];
          }),
        );
      }
      await context.close();
    }
    const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
    return { evalMs: median(evals), clickMs: clicks ? median(clickCosts) : undefined };
  } finally {
    await browser.close();
  }
}

/**
 * The guard's main-thread cost: a page script inserts 50 scripts and 200 images one by one and
 * 200 more images as one HTML string, then waits for the guard's MutationObserver to run. Timed
 * with the guard on and off. The URLs are data: URLs, which the guard checks like any other but
 * which need no network: a request per element through Playwright's router would drown the
 * difference (it did: the first version measured noise, even a negative cost).
 */
const GUARD_PAGE = (script, guard) => `<!doctype html><html><head>
<script>window.__t0 = performance.now();</script>
<script data-write-key="pk_bench_0123456789" data-autotrack="off"${guard ? '' : ' data-guard="off"'}>${script.replace(/<\/script/gi, '<\\/script')}</script>
<script>window.__init = performance.now() - window.__t0;</script>
</head><body><script>
window.__cost = (async () => {
  const t = performance.now();
  const gif = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
  for (let i = 0; i < 50; i++) { const s = document.createElement('script'); s.async = true; s.src = 'data:text/javascript,0//' + i; document.head.appendChild(s); }
  for (let i = 0; i < 200; i++) { const img = new Image(); img.src = gif + '#' + i; img.setAttribute('srcset', gif + '#2x' + i + ' 2x'); document.body.appendChild(img); }
  let html = '';
  for (let i = 0; i < 200; i++) html += '<img src="' + gif + '#h' + i + '" alt="">';
  document.body.insertAdjacentHTML('beforeend', html);
  await Promise.resolve();
  return performance.now() - t;
})();
</script></body></html>`;

async function measureGuardCost(code) {
  const browser = await launchChromium();
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  try {
    const out = {};
    for (const guard of [true, false]) {
      const costs = [];
      const inits = [];
      for (let run = 0; run < 15; run++) {
        const context = await browser.newContext();
        await context.route('**/*', (route) =>
          route.request().url() === 'http://127.0.0.1:9/guard.html' ? route.fulfill({ contentType: 'text/html', body: GUARD_PAGE(code, guard) }) : route.abort('blockedbyclient'),
        );
        const page = await context.newPage();
        await page.goto('http://127.0.0.1:9/guard.html');
        costs.push(await page.evaluate(() => window.__cost));
        inits.push(await page.evaluate(() => window.__init));
        await context.close();
      }
      out[guard ? 'on' : 'off'] = median(costs);
      out[guard ? 'initOn' : 'initOff'] = median(inits);
    }
    return out;
  } finally {
    await browser.close();
  }
}

export async function runSdkBench(root) {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-sdk-bench-'));
  const rows = [];
  try {
    const palisade = readFileSync(join(root, 'packages/sdk/dist/palisade.js'), 'utf8');
    rows.push({ name: 'Palisade (IIFE: autotrack, tag shims, pixel guard)', code: palisade, autotracks: true });
    for (const peer of PEERS) rows.push({ name: peer.name, code: await bundle(root, dir, peer), autotracks: peer.autotracks });
    const baseline = await measureInChromium('', true);
    for (const row of rows) {
      row.min = Buffer.byteLength(row.code);
      row.gzip = gzipSync(row.code, { level: 9 }).length;
      Object.assign(row, await measureInChromium(row.code, row.autotracks));
    }
    const guard = await measureGuardCost(palisade);
    return { rows, baseline, guard };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printSdkTable({ rows, baseline, guard }) {
  const kb = (n) => (n / 1024).toFixed(1);
  console.log('\nBrowser SDK beside its peers (same bundling for all; Chromium, median of 5 page loads)\n');
  console.log('| SDK | minified KB | min+gzip KB | eval + init ms | one autotracked click, ms (median of 101) |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.name} | ${kb(r.min)} | ${kb(r.gzip)} | ${r.evalMs.toFixed(2)} | ${r.clickMs === undefined ? 'no click autotrack' : r.clickMs.toFixed(3)} |`);
  }
  console.log(`| (page without any SDK) | 0 | 0 | ${baseline.evalMs.toFixed(2)} | ${baseline.clickMs.toFixed(3)} |`);
  const own = rows[0];
  console.log(
    `\nbudget: Palisade IIFE <= 12 KB (12,288 bytes) min+gzip with autotrack, shims, the guard v2 and idb-keyval; now ${own.gzip.toLocaleString('en-US')} bytes (${own.gzip <= 12288 ? 'within' : 'OVER'} budget)`,
  );
  console.log('\nPixel guard main-thread cost (Chromium, median of 15 loads): a script inserts 50 scripts and 200 images (src + srcset), then 200 images as one HTML string\n');
  // 50 scripts, 200 images and 200 images in one string: 450 elements inserted.
  const perInsertion = (ms) => ((ms * 1000) / 450).toFixed(1);
  console.log('| guard | ms | µs per inserted element |');
  console.log('|---|---:|---:|');
  console.log(`| on | ${guard.on.toFixed(2)} | ${perInsertion(guard.on)} |`);
  console.log(`| off (data-guard="off") | ${guard.off.toFixed(2)} | ${perInsertion(guard.off)} |`);
  console.log(`| cost of the guard | ${(guard.on - guard.off).toFixed(2)} | ${perInsertion(guard.on - guard.off)} |`);
  console.log('\nScript tag evaluation and init (Chromium, median of 15 loads), guard on and off\n');
  console.log('| guard | ms |');
  console.log('|---|---:|');
  console.log(`| on | ${guard.initOn.toFixed(2)} |`);
  console.log(`| off (data-guard="off") | ${guard.initOff.toFixed(2)} |`);
  console.log(`| init cost of the guard | ${(guard.initOn - guard.initOff).toFixed(2)} |`);
}
