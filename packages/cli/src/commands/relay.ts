/** `palisade relay --config FILE`: the production entry point. */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { existsSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, resolve } from 'node:path';
import {
  checkSiteRoot,
  parseConfigText,
  resolveSecrets,
  secretFiles,
  startRelay,
  type Env,
  type LoadedConfig,
  type Relay,
  type RelayOptions,
  type SiteSignIn,
} from '@palisade/relay';
import type { PalisadeConfig, Problem } from '@palisade/schema';
import { CliError } from '../cli-error.js';
import { prepareKeys } from '../keys.js';
import { cliLogger } from '../log.js';

/** `trustProxy` (`--trust-proxy`) and `observeAccepted` (the demo) pass through to the relay. */
export interface RelayCommandOptions extends Pick<RelayOptions, 'trustProxy' | 'observeAccepted'> {
  configPath: string;
  dataDir: string;
  host: string;
  port: number;
  env: Env;
  log: (line: string) => void;
  /** Lets `start` point the demo destinations at its sandbox port. */
  adjustConfig?: (config: PalisadeConfig) => PalisadeConfig;
  /** A website to serve from the public listener (`--site DIR`; the demo in `start`). */
  siteDir?: string;
  /** Pages of that site behind a sign-in (the demo's patient portal). */
  siteSignIn?: SiteSignIn;
}

/** The built SDK bundle, when the sdk package is installed and built. */
export function sdkFile(): string | undefined {
  try {
    const path = createRequire(import.meta.url).resolve('@palisade/sdk/palisade.js');
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

export function formatProblems(problems: Problem[]): string {
  return problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('\n');
}

/** Reads, validates and resolves the config file: a config ready to run, or every problem. */
type LoadResult = { ok: true; loaded: LoadedConfig } | { ok: false; stage: 'config' | 'secrets'; problems: Problem[] };

export function loadForRelay(options: Pick<RelayCommandOptions, 'configPath' | 'env' | 'adjustConfig'>): LoadResult {
  let bytes: Buffer;
  try {
    bytes = readFileSync(options.configPath);
  } catch (error) {
    return { ok: false, stage: 'config', problems: [{ path: '', message: `cannot read ${options.configPath}: ${(error as NodeJS.ErrnoException).code ?? 'error'}` }] };
  }
  const parsed = parseConfigText(bytes.toString('utf8'));
  if (!parsed.ok) return { ok: false, stage: 'config', problems: parsed.problems };
  const config = options.adjustConfig ? options.adjustConfig(parsed.config) : parsed.config;
  const secrets = resolveSecrets(config, options.env);
  if (secrets.problems.length > 0 || secrets.maskingKey === undefined) return { ok: false, stage: 'secrets', problems: secrets.problems };
  return { ok: true, loaded: { config, maskingKey: secrets.maskingKey, settings: secrets.settings, sha256: createHash('sha256').update(bytes).digest('hex') } };
}

export interface RunningRelay extends Relay {
  /** Loads the config file again and runs with it; a bad file is refused and the old config stays. */
  reloadFromFile(source: string): Promise<boolean>;
}

/** `--trust-proxy 127.0.0.1,10.0.0.0/8`: IP addresses and CIDR ranges, nothing else (never "any"). */
export function parseTrustProxy(text: string): string[] {
  const entries = text.split(/[\s,]+/).filter((e) => e.length > 0);
  if (entries.length === 0) throw new CliError('--trust-proxy needs the address of your reverse proxy, such as 127.0.0.1');
  for (const entry of entries) {
    const [address = '', bits, ...rest] = entry.split('/');
    const family = isIP(address);
    const max = family === 4 ? 32 : 128;
    const prefixOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= max);
    if (family === 0 || !prefixOk || rest.length > 0) throw new CliError(`--trust-proxy ${JSON.stringify(entry)} is not an IP address or CIDR range`);
  }
  return entries;
}

/** better-sqlite3 12 aborts the process on Node 24 when its thread exits (fixed in 13, which needs Node 22). */
export function nodeVersionWarning(version = process.versions.node): string | undefined {
  if (Number(version.split('.')[0]) < 24) return undefined;
  return `warning: Node ${version}: better-sqlite3 12 can abort the relay on Node 24 or later when it or its store thread stops (Assertion failed: (env) != nullptr). Run Node 20.19+ or 22 until Palisade moves to better-sqlite3 13.`;
}

export async function runRelay(options: RelayCommandOptions): Promise<RunningRelay> {
  const warning = nodeVersionWarning();
  if (warning) options.log(warning);
  const dataKey = prepareKeys(options.env, options.dataDir, options.log);
  const first = loadForRelay(options);
  if (!first.ok) {
    throw new CliError(first.stage === 'config' ? `invalid config ${options.configPath}:\n${formatProblems(first.problems)}` : `cannot start: ${formatProblems(first.problems)}`);
  }
  const { config } = first.loaded;
  const secrets = resolveSecrets(config, options.env);
  const sdk = sdkFile();
  const relay = await startRelay({
    config,
    maskingKey: first.loaded.maskingKey,
    settings: first.loaded.settings,
    configSha256: first.loaded.sha256,
    dataKey,
    dataDir: resolve(options.dataDir),
    host: options.host,
    port: options.port,
    logger: cliLogger(options.env),
    ...(sdk ? { sdkFile: sdk } : {}),
    ...(options.siteDir ? { siteDir: resolve(options.siteDir) } : {}),
    ...(options.siteSignIn ? { siteSignIn: options.siteSignIn } : {}),
    secretFiles: secretFiles(config).map((f) => resolve(f)),
    configFile: resolve(options.configPath),
    ...(secrets.metricsToken ? { metricsToken: secrets.metricsToken } : {}),
    ...(secrets.adminToken ? { adminToken: secrets.adminToken } : {}),
    ...(options.observeAccepted ? { observeAccepted: options.observeAccepted } : {}),
    ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
  });

  let current = first.loaded.sha256;
  const refuse = (source: string, why: string) => {
    options.log(`config ${options.configPath} refused (${source}); still running the previous one:\n${why}`);
    return false;
  };
  const reloadFromFile = async (source: string): Promise<boolean> => {
    const next = loadForRelay(options);
    if (!next.ok) return refuse(source, formatProblems(next.problems));
    if (next.loaded.sha256 === current && source === 'file change') return true;
    // A key file the new config names must not be inside the site's root either.
    if (options.siteDir) {
      try {
        checkSiteRoot(
          resolve(options.siteDir),
          resolve(options.dataDir),
          secretFiles(next.loaded.config).map((f) => resolve(f)),
        );
      } catch (error) {
        return refuse(source, (error as Error).message);
      }
    }
    try {
      await relay.reload(next.loaded, source);
    } catch (error) {
      return refuse(source, (error as Error).message);
    }
    current = next.loaded.sha256;
    options.log(`config ${options.configPath} loaded (${source})`);
    return true;
  };
  // Never an unhandled rejection from a signal or a file event.
  const reloadSafely = (source: string) => {
    reloadFromFile(source).catch((error: Error) => refuse(source, error.message));
  };

  // SIGHUP, and a change of the file (editors replace it, so the directory is watched).
  const onHup = () => reloadSafely('SIGHUP');
  process.on('SIGHUP', onHup);
  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const name = basename(options.configPath);
    watcher = watch(dirname(resolve(options.configPath)), (_event, file) => {
      if (file !== name) return;
      clearTimeout(timer);
      timer = setTimeout(() => reloadSafely('file change'), 200);
    });
  } catch {
    options.log('cannot watch the config file; reload with SIGHUP');
  }
  // A change made while the relay was starting, before the watch began, is not missed.
  reloadSafely('file change');
  return {
    ...relay,
    reloadFromFile,
    async stop() {
      process.off('SIGHUP', onHup);
      clearTimeout(timer);
      watcher?.close();
      await relay.stop();
    },
  };
}
