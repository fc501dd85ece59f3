// The QA scanner on the demo clinic (`palisade start`): every page under the whole consent
// matrix (denied, granted, gpc), signed in to the portal, with the relay's forwarded bodies read
// back. Prints pages scanned per minute and the peak memory of the scanner's Node process and of
// its Chromium (all of the browser's processes, sampled every 200 ms). Chromium resolves no name
// but loopback: nothing leaves the machine.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PAGES = 8;

async function startDemo(root, dataDir, port) {
  const proc = spawn(process.execPath, [join(root, 'packages/cli/dist/bin.js'), 'start', '--port', String(port), '--sandbox-port', String(port + 1), '--data-dir', dataDir], {
    env: { PATH: process.env.PATH, HOME: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout.on('data', (c) => (output += c));
  proc.stderr.on('data', (c) => (output += c));
  for (let i = 0; i < 300 && !output.includes('Vendor sandbox'); i++) {
    if (proc.exitCode !== null) throw new Error(`palisade start exited: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return proc;
}

/** Sum of the resident memory of every process whose command line names the scan profiles. */
function browserRssMb() {
  let kb = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('palisade-scan-')) continue;
      const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      kb += Number(rss?.[1] ?? 0);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return kb / 1024;
}

export async function runScanBench(root) {
  const { scan, canarySearch, makeCanaries } = await import(join(root, 'packages/scanner/dist/index.js'));
  const login = (await import(join(root, 'examples/scan-login.mjs'))).default;
  const dir = mkdtempSync(join(tmpdir(), 'palisade-scan-bench-'));
  const port = 22_000 + Math.floor(Math.random() * 2000);
  const demo = await startDemo(root, join(dir, 'data'), port);
  const site = `http://127.0.0.1:${port}`;
  try {
    const token = JSON.parse(readFileSync(join(dir, 'data', 'dev-keys.json'), 'utf8')).adminToken;
    let browserPeak = 0;
    const sampler = setInterval(() => (browserPeak = Math.max(browserPeak, browserRssMb())), 200);
    const started = performance.now();
    const result = await scan({
      urls: [`${site}/`, `${site}/portal-home.html`],
      pages: PAGES,
      login,
      relayAdmin: { url: site, token },
      browser: { args: ['--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'] },
    });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);

    // The canary search alone, on a 1 MB request body with no canary in it (the common case).
    const find = canarySearch(makeCanaries());
    const body = 'e=page_view&dl=https%3A%2F%2Fclinic.example%2Fbook&'.repeat(20_000).slice(0, 1_000_000);
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) find(body);
    const searchMbPerSec = 20 / ((performance.now() - t0) / 1000);

    return {
      pages: result.pages.length,
      distinct: new Set(result.pages.map((p) => p.url)).size,
      states: result.consent.length,
      requests: result.pages.reduce((n, p) => n + p.requests.length, 0),
      findings: result.findings.length,
      forwarded: (result.relay ?? []).reduce((n, d) => n + d.messages, 0),
      seconds,
      nodeRss: process.resourceUsage().maxRSS / 1024,
      browserPeak,
      searchMbPerSec,
    };
  } finally {
    demo.kill('SIGTERM');
    await new Promise((r) => demo.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printScanTable(r) {
  const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  console.log(`\nQA scanner on the demo clinic (${r.distinct} pages x ${r.states} consent states, signed in, forms filled, relay read back)\n`);
  console.log('| measure | value |');
  console.log('|---|---:|');
  console.log(`| page scans (page x consent state) | ${fmt(r.pages)} |`);
  console.log(`| requests recorded | ${fmt(r.requests)} |`);
  console.log(`| findings (the demo with Palisade should have none) | ${fmt(r.findings)} |`);
  console.log(`| messages the relay forwarded, searched for canaries | ${fmt(r.forwarded)} |`);
  console.log(`| wall time | ${fmt(r.seconds, 1)} s |`);
  console.log(`| pages scanned per minute (with the consent matrix) | ${fmt((r.pages / r.seconds) * 60, 1)} |`);
  console.log(`| peak RSS, scanner (Node) | ${fmt(r.nodeRss, 1)} MB |`);
  console.log(`| peak RSS, Chromium (all its processes) | ${fmt(r.browserPeak, 1)} MB |`);
  console.log(`| canary search, 1 MB body without a canary | ${fmt(r.searchMbPerSec, 1)} MB/s |`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  printScanTable(await runScanBench(fileURLToPath(new URL('..', import.meta.url))));
}
