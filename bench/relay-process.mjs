// What the relay benchmarks share: helper processes forked with an IPC port report, the relay
// started as `palisade relay` with bench keys, its readiness, /metrics reads and peak RSS.
import { fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const METRICS_TOKEN = 'bench-metrics-token-0123456789';

/** Forks a helper (a vendor sink, a bare server) that sends `{ port }` once it listens. */
export function child(script, args = [], env = {}) {
  return new Promise((resolve, reject) => {
    const proc = fork(script, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    proc.once('message', (m) => resolve({ proc, port: m.port }));
    proc.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

export async function waitReady(url) {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`relay at ${url} did not become ready`);
}

/**
 * `palisade relay` in production mode with bench keys and the metrics token, on 127.0.0.1;
 * `secrets` names the env vars the config references (each set to a bench value), `profileDir`
 * writes CPU profiles. Resolves once it answers /readyz.
 */
export async function startBenchRelay(root, { configPath, dataDir, port, secrets = [], profileDir }) {
  const proc = spawn(
    process.execPath,
    [
      ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      join(root, 'packages/cli/dist/bin.js'),
      'relay',
      '--config',
      configPath,
      '--data-dir',
      dataDir,
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
    ],
    {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        PALISADE_LOG_LEVEL: 'warn',
        PALISADE_MASKING_KEY: Buffer.alloc(32, 7).toString('base64url'),
        PALISADE_DATA_KEY: Buffer.alloc(32, 9).toString('base64url'),
        PALISADE_METRICS_TOKEN: METRICS_TOKEN,
        ...Object.fromEntries(secrets.map((name) => [name, 'bench-secret'])),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url);
  return { proc, url };
}

/**
 * The relay's /metrics text. Polled often under load, a kept-alive connection can close just as
 * it is reused: such a failure is retried.
 */
export async function metricsText(url) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** A process's peak resident memory, in MB. */
export function peakRssMb(pid) {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
}
