/**
 * Where the relay's keys come from. Production: the environment only, strong keys or no start.
 * Development: missing keys are generated once into the data directory (mode 0600).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKey, requireStrongKey, type Env } from '@palisade/relay';
import { CliError } from './cli-error.js';

export interface DevKeys {
  maskingKey: string;
  dataKey: string;
  ga4ApiSecret: string;
  webhookSecret: string;
  metricsToken: string;
  /** Bearer token for /admin/forwarded in the demo (what `palisade scan --relay-admin` reads). */
  adminToken: string;
  /** The ad platforms' tokens in the demo: the vendor sandbox accepts this one. */
  sandboxAdToken: string;
}

export function devKeysPath(dataDir: string): string {
  return join(dataDir, 'dev-keys.json');
}

export function loadOrCreateDevKeys(dataDir: string): DevKeys {
  const path = devKeysPath(dataDir);
  const fresh = () => ({
    maskingKey: generateKey(),
    dataKey: generateKey(),
    ga4ApiSecret: generateKey(),
    webhookSecret: generateKey(),
    metricsToken: generateKey(),
    adminToken: generateKey(),
    sandboxAdToken: generateKey(),
  });
  const existing = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Partial<DevKeys>) : undefined;
  // Keys added since the file was written are generated; the ones in it are kept.
  const keys: DevKeys = { ...fresh(), ...existing };
  if (existing && Object.keys(existing).length === Object.keys(keys).length) return keys;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  writeFileSync(path, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return keys;
}

/**
 * Fills the process environment with development keys where unset (never in production) and
 * returns the data key. Throws a CliError naming the missing or weak key. `create: false`, for
 * commands that only read the data directory: development keys are read if they exist, never
 * written.
 */
export function prepareKeys(env: Env, dataDir: string, log: (line: string) => void, options: { create: boolean } = { create: true }): Buffer {
  const production = env.NODE_ENV === 'production';
  if (
    !production &&
    (!env.PALISADE_MASKING_KEY || !env.PALISADE_DATA_KEY || !env.PALISADE_METRICS_TOKEN || !env.PALISADE_ADMIN_TOKEN) &&
    (options.create || existsSync(devKeysPath(dataDir)))
  ) {
    const dev = options.create ? loadOrCreateDevKeys(dataDir) : (JSON.parse(readFileSync(devKeysPath(dataDir), 'utf8')) as Partial<DevKeys>);
    env.PALISADE_MASKING_KEY ??= dev.maskingKey;
    env.PALISADE_DATA_KEY ??= dev.dataKey;
    env.PALISADE_METRICS_TOKEN ??= dev.metricsToken;
    env.PALISADE_ADMIN_TOKEN ??= dev.adminToken;
    log(`development keys from ${devKeysPath(dataDir)} (never use them in production)`);
  }
  try {
    const dataKey = requireStrongKey('PALISADE_DATA_KEY', env.PALISADE_DATA_KEY);
    if (dataKey.length !== 32) throw new Error(`PALISADE_DATA_KEY must be exactly 32 bytes for AES-256-GCM (got ${dataKey.length})`);
    return dataKey;
  } catch (error) {
    throw new CliError(`${(error as Error).message}${production ? ' (NODE_ENV=production: keys are never generated)' : ''}`);
  }
}
