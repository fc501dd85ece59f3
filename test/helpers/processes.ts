/**
 * End-to-end helpers: run the real `palisade` CLI as a child process (as a user would) and a
 * vendor sandbox beside it. Every byte a relay process prints is kept, so tests can scan it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { startSandbox, type Received, type Sandbox } from '@palisade/vendor-sandbox';
import { DEMO_AD_SECRETS } from '../../packages/cli/src/commands/start.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'packages/cli/dist/bin.js');

export const MASKING_KEY = Buffer.alloc(32, 0x6b).toString('base64url');
export const DATA_KEY = Buffer.alloc(32, 0x2d).toString('base64url');
export const GA4_SECRET = 'ga4-test-api-secret';
export const WEBHOOK_SECRET = 'whsec-test-secret';
export const WRITE_KEY = 'pk_e2e_0123456789';
/** Every ad platform credential in the e2e configs (the demo's names); the sandbox accepts only this one. */
export const AD_TOKEN = 'ad-platform-test-token';

if (!existsSync(BIN)) throw new Error('packages/cli/dist/bin.js is missing: run `npm run build` (npm test does)');

/** Ports handed out in this process: the OS may offer a just-closed port again, which would give two servers of one test the same port. */
const handedOut = new Set<number>();

export async function freePort(): Promise<number> {
  for (;;) {
    const port = await unusedPort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix = 'palisade-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function e2eConfig(sandboxUrl: string, delivery: Record<string, unknown> = {}) {
  const fast = { retryBaseMs: 50, retryMaxMs: 300, timeoutMs: 2000, ...delivery };
  return {
    environments: { production: { writeKey: WRITE_KEY, allowedOrigins: ['https://clinic.example'] } },
    masking: { key: 'env:PALISADE_MASKING_KEY' },
    destinations: [
      {
        id: 'ga4-main',
        type: 'ga4',
        settings: { measurementId: 'G-E2E12345', apiSecret: 'env:GA4_API_SECRET', endpoint: `${sandboxUrl}/ga4` },
        allow: {
          production: {
            events: ['Appointment Booked', '$pageview', '$identify', '$group'],
            eventProperties: { service_line: 'allow', clinic_id: 'allow', email: 'mask', seq: 'allow' },
            userProperties: { plan: 'allow' },
            groupProperties: { clinic_type: 'allow' },
          },
        },
        delivery: fast,
      },
      {
        id: 'hook',
        type: 'webhook',
        consent: 'none',
        settings: { url: `${sandboxUrl}/webhook/e2e`, secret: 'env:WEBHOOK_SECRET' },
        allow: { production: { events: ['Appointment Booked'], eventProperties: { service_line: 'allow', seq: 'allow' } } },
        delivery: fast,
      },
    ],
  };
}

export interface RelayProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    PALISADE_MASKING_KEY: MASKING_KEY,
    PALISADE_DATA_KEY: DATA_KEY,
    GA4_API_SECRET: GA4_SECRET,
    WEBHOOK_SECRET,
    ...Object.fromEntries(DEMO_AD_SECRETS.map((name) => [name, AD_TOKEN])),
    PALISADE_LOG_LEVEL: 'debug',
    ...extra,
  };
}

export async function waitFor<T>(check: () => Promise<T | undefined | false>, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await check();
      if (v) return v;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

/** Starts `palisade relay --config FILE` and resolves once /readyz answers. */
export async function startRelayProcess(configPath: string, dataDir: string, env = cliEnv(), port?: number, extraArgs: string[] = []): Promise<RelayProcess> {
  const p = port ?? (await freePort());
  const child = spawn(process.execPath, [BIN, 'relay', '--config', configPath, '--data-dir', dataDir, '--port', String(p), '--host', '127.0.0.1', ...extraArgs], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${p}`;
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`relay exited with ${child.exitCode}: ${output}`);
    return (await fetch(`${url}/readyz`)).ok;
  }, 'relay readiness');
  return {
    url,
    port: p,
    child,
    output: () => output,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export async function startE2eSandbox(): Promise<Sandbox> {
  return startSandbox({ port: 0, webhookSecrets: { e2e: WEBHOOK_SECRET }, ga4ApiSecrets: [GA4_SECRET], adTokens: [AD_TOKEN] });
}

/**
 * The demo clinic's own config, pointed at a sandbox, with the relay's origin allowed (the demo
 * pages are served by the relay itself).
 */
export function demoConfig(sandboxUrl: string, relayPort: number): Record<string, any> {
  const config = parse(readFileSync(join(ROOT, 'demo-site/palisade.config.yaml'), 'utf8')) as Record<string, any>;
  config.environments.development.allowedOrigins = [`http://127.0.0.1:${relayPort}`];
  for (const d of config.destinations) {
    // Every setting that points at the demo's sandbox points at this one.
    for (const [k, v] of Object.entries(d.settings)) if (typeof v === 'string' && v.startsWith('http://127.0.0.1:8789/')) d.settings[k] = `${sandboxUrl}${v.slice(21)}`; // keeps the path's leading slash
    if (d.type === 'webhook') d.settings.url = `${sandboxUrl}/webhook/e2e`;
    d.delivery = { retryBaseMs: 50, retryMaxMs: 300, timeoutMs: 2000 };
  }
  return config;
}

export interface E2eStack {
  sandbox: Sandbox;
  relay: RelayProcess;
  stop(): Promise<void>;
}

/** A sandbox and a relay process with the e2e config, in a temporary directory of their own. */
export async function startE2eStack(): Promise<E2eStack> {
  const sandbox = await startE2eSandbox();
  const dir = tempDir();
  const relay = await startRelayProcess(writeConfig(dir, e2eConfig(sandbox.url)), `${dir}/data`);
  return stackOf(sandbox, relay, dir);
}

/** A started sandbox and relay, stopped together with their directory removed. */
function stackOf(sandbox: Sandbox, relay: RelayProcess, dir: string): E2eStack & { dir: string } {
  return {
    sandbox,
    relay,
    dir,
    async stop() {
      await relay.stop();
      await sandbox.stop();
      removeDir(dir);
    },
  };
}

/** The demo clinic as `npm start` runs it, on free ports: the relay process serving demo-site/ with its config, and a sandbox. */
export async function startDemoStack(): Promise<E2eStack & { dir: string }> {
  const sandbox = await startE2eSandbox();
  const dir = tempDir();
  const port = await freePort();
  const relay = await startRelayProcess(writeConfig(dir, demoConfig(sandbox.url, port)), `${dir}/data`, undefined, port, ['--site', join(ROOT, 'demo-site')]);
  return stackOf(sandbox, relay, dir);
}

export function writeConfig(dir: string, config: unknown): string {
  const path = join(dir, 'palisade.config.yaml');
  writeFileSync(path, stringify(config));
  return path;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function post(url: string, body: unknown, writeKey = WRITE_KEY): Promise<{ status: number; text: string }> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` },
    body: JSON.stringify(body),
  });
  return { status: r.status, text: await r.text() };
}

export function ga4Events(items: Received[]): Array<{ name: string; params: Record<string, unknown>; client_id: string; user_id?: string }> {
  return items.flatMap((r) => {
    const body = r.body as { client_id: string; user_id?: string; events: Array<{ name: string; params: Record<string, unknown> }> };
    return body.events.map((e) => ({ ...e, client_id: body.client_id, ...(body.user_id ? { user_id: body.user_id } : {}) }));
  });
}

export function webhookEvents(items: Received[]): Array<Record<string, any>> {
  return items.flatMap((r) => (r.body as { batch: Array<Record<string, any>> }).batch);
}

/** Runs the CLI to completion. */
export function runCli(args: string[], env = cliEnv(), cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], ...(cwd ? { cwd } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export interface DemoProcess {
  /** The relay (and demo site) and the vendor sandbox, on free loopback ports. */
  port: number;
  sandboxPort: number;
  /** Everything the process printed so far, stdout and stderr. */
  output: () => string;
  stop(): Promise<void>;
}

/** Starts `palisade start` as a user runs it, on free ports and a data directory of its own. */
export async function startDemoProcess(dataDir: string, extraEnv: Record<string, string> = {}): Promise<DemoProcess> {
  const [port, sandboxPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, [BIN, 'start', '--port', String(port), '--sandbox-port', String(sandboxPort), '--data-dir', dataDir], {
    env: { PATH: process.env.PATH ?? '', HOME: dataDir, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`palisade start exited with ${child.exitCode}: ${output}`);
      return output.includes('Vendor sandbox');
    }, 'demo start-up');
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, sandboxPort, output: () => output, stop };
}
