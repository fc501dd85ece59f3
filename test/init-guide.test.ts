/**
 * The README's "Protect your own site" guide, followed literally: `palisade sandbox`, `palisade
 * init`, the relay command, then a small static site with a gtag and a Meta snippet that carries
 * the tag and the CSP header init printed, visited in Chromium. What reaches the sandbox must be
 * masked and reduced. Both setups: the relay on its own origin (the README's commands, ports
 * swapped for free ones), and behind the site's origin (init's own printed command, with the site
 * server forwarding /palisade.js and /v1/ as the README's nginx snippet does).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Received } from '@palisade/vendor-sandbox';
import { launchBrowser, loopbackOnly } from './helpers/browser.js';
import { BIN, ROOT, freePort, removeDir, runCli, tempDir, waitFor } from './helpers/processes.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The commands of the guide's "Try it on your machine first" block. */
function guideCommands(): string[] {
  const section = README.slice(README.indexOf('**Try it on your machine first**'));
  const start = section.indexOf('```sh\n') + 6;
  return section
    .slice(start, section.indexOf('```', start))
    .split('\n')
    .filter((line) => line.trim() !== '');
}

/** `A=1 B=2 npx palisade cmd args` -> env and argv (the guide uses no quotes). */
function parseCommand(line: string): { env: Record<string, string>; args: string[] } {
  const words = line.trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (/^[A-Z_][A-Z0-9_]*=/.test(words[0]!)) {
    const [name, ...value] = words.shift()!.split('=');
    env[name!] = value.join('=');
  }
  expect(words.slice(0, 2)).toEqual(['npx', 'palisade']);
  return { env, args: words.slice(2) };
}

const children: ChildProcess[] = [];
const servers: Server[] = [];
const dirs: string[] = [];
let browser: Browser;

function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...extra };
}

/** Runs a command to its end, in `cwd`, with only the environment the guide gives it. */
const run = (args: string[], env: Record<string, string>, cwd: string) => runCli(args, baseEnv(env), cwd);

/** Starts a long-running command and waits until `ready` answers. */
async function serve(args: string[], env: Record<string, string>, cwd: string, ready: string): Promise<() => string> {
  const child = spawn(process.execPath, [BIN, ...args], { env: baseEnv(env), cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`${args[0]} exited with ${child.exitCode}: ${output}`);
    return (await fetch(ready)).ok;
  }, `${args[0]} to answer`);
  return () => output;
}

/** What init printed for the site: the tag, the CSP header, and the relay command. */
function printed(stdout: string) {
  const tag = stdout.match(/^ {3}(<script [^\n]*><\/script>)$/m)?.[1];
  const csp = stdout.match(/^ {3}(Content-Security-Policy(?:-Report-Only)?): ([^\n]+)$/m);
  const relay = stdout.match(/^ {3}([^\n]*npx palisade relay [^\n]+)$/m)?.[1];
  expect(tag).toBeDefined();
  expect(csp).not.toBeNull();
  expect(relay).toBeDefined();
  return { tag: tag!, cspName: csp![1]!, cspValue: csp![2]!, relay: relay! };
}

/** A clinic page as many are today: gtag.js and the Meta pixel, each with what it should not send. */
function sitePage(tag: string): string {
  return `<!doctype html>
<html lang="en"><head>
${tag}
<meta charset="utf-8"><title>Book an appointment</title>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-TEST12345"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());
  gtag('config', 'G-TEST12345');
  gtag('event', 'generate_lead', { email: 'jane@example.com', condition: 'anxiety' });
</script>
<script>
  !function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?
  n.callMethod.apply(n,arguments):n.queue.push(arguments)};if(!f._fbq)f._fbq=n;
  n.push=n;n.loaded=!0;n.version='2.0';n.queue=[];t=b.createElement(e);t.async=!0;
  t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,
  document,'script','https://connect.facebook.net/en_US/fbevents.js');
  fbq('init', '1234567890', { em: 'jane@example.com' });
  fbq('track', 'PageView');
  fbq('track', 'Lead', { content_name: 'behavioral-health' });
</script>
</head><body>
<h1>Book an appointment</h1>
<form id="book" action="/thanks"><input name="email" value="jane@example.com"><button type="submit">Book</button></form>
</body></html>`;
}

/**
 * The site's own server: the page with init's CSP header; with `relayPort`, it forwards what the
 * README's nginx snippet forwards to the relay.
 */
async function startSite(port: number, page: string, csp: { name: string; value: string }, relayPort?: number): Promise<void> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (relayPort !== undefined && (path === '/palisade.js' || /^\/palisade\.[0-9a-f]+\.js$/.test(path) || path.startsWith('/v1/'))) {
      // As nginx with `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`.
      const headers = { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '' };
      const upstream = httpRequest({ host: '127.0.0.1', port: relayPort, path: req.url, method: req.method, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
      return;
    }
    if (path === '/' || path === '/book') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', [csp.name]: csp.value });
      res.end(page);
      return;
    }
    res.writeHead(404).end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
}

async function received(sandboxUrl: string): Promise<Received[]> {
  return (await (await fetch(`${sandboxUrl}/api/received?vendor=ga4`)).json()) as Received[];
}

/** Visits the site's booking page with PHI in the URL, and returns the non-loopback origins Chromium tried. */
async function visit(siteOrigin: string): Promise<string[]> {
  const context = await browser.newContext();
  const attempted = await loopbackOnly(context);
  const page = await context.newPage();
  await page.goto(`${siteOrigin}/book?email=jane%40example.com&utm_source=google`);
  // The page view is on its way before the visitor moves on (a loaded machine may take longer
  // than the click to send it, and the context closes right after).
  await page.evaluate(() => (window as unknown as { palisade: { flush(): Promise<void> } }).palisade.flush());
  await page.click('button[type=submit]');
  await page.waitForTimeout(300);
  await context.close();
  return attempted;
}

function expectMaskedPageView(items: Received[], siteOrigin: string) {
  const bodies = items.map((r) => r.body as { client_id: string; events: { name: string; params: Record<string, unknown> }[] });
  const pageView = bodies.find((b) => b.events.some((e) => e.name === 'page_view'));
  expect(pageView).toBeDefined();
  expect(pageView!.client_id).toMatch(/^k1:/);
  const params = pageView!.events.find((e) => e.name === 'page_view')!.params;
  expect(params.page_location).toBe(`${siteOrigin}/book?utm_source=google`);
  const text = JSON.stringify(items);
  for (const leak of ['jane', 'anxiety', 'generate_lead', 'Lead', '1234567890']) expect(text).not.toContain(leak);
}

/** A visit to the site, then what the guide promises: a masked page view in the sandbox, no vendor script run. */
async function expectProtectedVisit(siteOrigin: string, sandboxUrl: string): Promise<void> {
  const attempted = await visit(siteOrigin);
  const items = await waitFor(async () => {
    const list = await received(sandboxUrl);
    return list.some((r) => JSON.stringify(r.body).includes('page_view')) && list;
  }, 'a page view in the sandbox');
  expectMaskedPageView(items, siteOrigin);
  // The vendors' own scripts never ran: Meta's snippet inserts fbevents.js and the guard stops
  // it; gtag.js is markup the preload scanner may fetch under a report-only CSP, never run.
  expect(attempted.filter((o) => o !== 'https://www.googletagmanager.com')).toEqual([]);
}

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
  for (const server of servers) server.close();
  dirs.forEach(removeDir);
});

describe('Protect your own site, as the README says', () => {
  it('cross origin: the guide commands, the printed tag and header, a masked page view in the sandbox', async () => {
    const [sitePort, relayPort, sandboxPort] = [await freePort(), await freePort(), await freePort()];
    const work = tempDir('palisade-guide-');
    dirs.push(work);
    const commands = guideCommands().map((line) => line.replaceAll(':8080', `:${sitePort}`).replaceAll('8787', String(relayPort)).replaceAll('8789', String(sandboxPort)));
    expect(commands).toHaveLength(3);
    const [sandboxLine, initLine, relayLine] = commands.map(parseCommand);
    expect([sandboxLine!.args[0], initLine!.args[0], relayLine!.args[0]]).toEqual(['sandbox', 'init', 'relay']);

    const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
    await serve(sandboxLine!.args, sandboxLine!.env, work, `${sandboxUrl}/api/received`);
    const init = await run(initLine!.args, initLine!.env, work);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect((statSync(join(work, 'my-site/.palisade/dev-keys.json')).mode & 0o777).toString(8)).toBe('600');
    const out = printed(init.stdout);
    expect(out.tag).toContain(`src="http://localhost:${relayPort}/palisade.js"`);
    expect(out.tag).toContain(`data-api="http://localhost:${relayPort}"`);
    // What the guide runs is what init printed (plus the port it names).
    expect(relayLine!.args.join(' ')).toContain(out.relay.replace(/^.*npx palisade /, ''));

    const checked = await run(['config', 'check', 'my-site/palisade.config.yaml'], {}, work);
    expect(checked.stdout).toContain('my-site/palisade.config.yaml: ok');
    await serve(relayLine!.args, relayLine!.env, work, `http://127.0.0.1:${relayPort}/readyz`);
    await startSite(sitePort, sitePage(out.tag), { name: out.cspName, value: out.cspValue });

    await expectProtectedVisit(`http://localhost:${sitePort}`, sandboxUrl);
  });

  it("same origin: init's own relay command behind the site's server, forwarding as the nginx snippet does", async () => {
    const [sitePort, relayPort, sandboxPort] = [await freePort(), await freePort(), await freePort()];
    const work = tempDir('palisade-guide-');
    dirs.push(work);
    const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
    await serve(['sandbox', '--port', String(sandboxPort)], {}, work, `${sandboxUrl}/api/received`);
    const siteOrigin = `http://localhost:${sitePort}`;
    const init = await run(
      ['init', '--yes', '--origin', siteOrigin, '--destination', 'ga4', '--ga4-measurement-id', 'G-TEST12345', '--sandbox', sandboxUrl, '--dir', 'site'],
      {},
      work,
    );
    expect(init.code).toBe(0);
    const out = printed(init.stdout);
    expect(out.tag).toMatch(/^<script src="\/palisade\.js" data-write-key="pk_live_[0-9a-f]{24}" data-consent-default="analytics"><\/script>$/);
    const relay = parseCommand(out.relay);
    expect(relay.args.slice(-2)).toEqual(['--trust-proxy', '127.0.0.1']);
    await serve([...relay.args, '--port', String(relayPort), '--host', '127.0.0.1'], relay.env, work, `http://127.0.0.1:${relayPort}/readyz`);
    await startSite(sitePort, sitePage(out.tag), { name: out.cspName, value: out.cspValue }, relayPort);

    await expectProtectedVisit(siteOrigin, sandboxUrl);
  });
});

describe('palisade init', () => {
  it('asks for what the flags do not give, and refuses what it cannot use in one line', async () => {
    const work = tempDir('palisade-init-');
    dirs.push(work);
    const answers = 'https://www.clinic.example, https://clinic.example\nhttps://relay.clinic.example\nga4 webhook\nG-ABCDE12345\nhttps://hooks.clinic.example/palisade\n';
    const child = spawn(process.execPath, [BIN, 'init', '--dir', 'asked'], { env: baseEnv(), cwd: work, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stdin.end(answers);
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(stdout).toContain("Your site's origin(s)");
    const config = readFileSync(join(work, 'asked/palisade.config.yaml'), 'utf8');
    expect(config).toContain('allowedOrigins: ["https://www.clinic.example", "https://clinic.example"]');
    expect(config).toContain('relayOrigin: "https://relay.clinic.example"');
    expect(config).toContain('measurementId: "G-ABCDE12345"');
    expect(config).toContain('url: "https://hooks.clinic.example/palisade"');
    expect((await run(['config', 'check', 'asked/palisade.config.yaml'], {}, work)).code).toBe(0);
    // The keys' directory ignores itself in git, whatever the project's .gitignore says.
    expect(readFileSync(join(work, 'asked/.palisade/.gitignore'), 'utf8')).toBe('*\n');
    // The relay's own loader refuses such a host too, wherever a config comes from.
    writeFileSync(join(work, 'hostile.yaml'), config.replace('"https://relay.clinic.example"', `"https://r';x.example"`));
    const hostile = await run(['config', 'check', 'hostile.yaml'], {}, work);
    expect(hostile.code).toBe(1);
    expect(hostile.stdout).toContain('browser.relayOrigin: must be an origin');

    const again = await run(['init', '--yes', '--origin', 'https://www.clinic.example', '--dir', 'asked'], {}, work);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`palisade: ${join(work, 'asked/palisade.config.yaml')} exists; pass --force to replace it\n`);
    const bad = [
      [['--origin', 'https://www.clinic.example/home'], 'must be an origin'],
      [['--origin', 'javascript:alert(1)'], 'must start with https://'],
      [['--origin', 'https://www.clinic.example', '--destination', 'ga5'], 'unknown destination ga5'],
      [['--origin', 'https://www.clinic.example', '--destination', 'ga4'], 'ga4 needs its measurement id'],
      [['--origin', 'https://www.clinic.example', '--destination', 'ga4', '--ga4-measurement-id', 'G-1"\n x: y'], 'ga4 needs its measurement id'],
      [['--origin', 'https://www.clinic.example', '--consent-default', 'marketing'], '--consent-default takes'],
      // The URL parser admits these hosts; in a script tag or a CSP header they would break out.
      [['--origin', 'https://www.clinic.example', '--relay', 'https://r"onload="alert(1)";x=".example'], 'characters a DNS name cannot have'],
      [['--origin', "https://a;script-src 'unsafe-eval'.example"], 'characters a DNS name cannot have'],
      [['--origin', 'https://www.clinic.example', '--destination', 'webhook', '--webhook-url', 'http://hooks.example/in'], 'must use https'],
      [['--origin', 'https://www.clinic.example', '--data-dir', '.'], 'must be a directory of its own'],
    ] as const;
    for (const [flags, message] of bad) {
      const r = await run(['init', '--yes', '--dir', 'bad', ...flags], {}, work);
      expect({ flags, code: r.code, lines: r.stderr.trim().split('\n').length }).toEqual({ flags, code: 1, lines: 1 });
      expect(r.stderr).toContain(message);
    }
    // A refused answer writes nothing, so the corrected command needs no --force.
    expect(statSync(join(work, 'bad/palisade.config.yaml'), { throwIfNoEntry: false })).toBeUndefined();
  });

  it('--production writes no keys and prints them once for the secret manager', async () => {
    const work = tempDir('palisade-init-');
    dirs.push(work);
    const r = await run(
      ['init', '--yes', '--production', '--origin', 'https://www.clinic.example', '--destination', 'webhook', '--webhook-url', 'https://hooks.clinic.example/in'],
      {},
      work,
    );
    expect(r.code).toBe(0);
    expect(statSync(join(work, '.palisade'), { throwIfNoEntry: false })).toBeUndefined();
    for (const name of ['PALISADE_MASKING_KEY', 'PALISADE_DATA_KEY', 'PALISADE_METRICS_TOKEN', 'WEBHOOK_SECRET'])
      expect(r.stdout).toMatch(new RegExp(`^ {2}${name}=[A-Za-z0-9_-]{43}`, 'm'));
    expect(r.stdout).toContain('NODE_ENV=production');
  });
});
