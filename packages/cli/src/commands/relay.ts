/** `palisade relay --config FILE`: the production entry point. */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { createLogger, loadConfigFile, resolveSecrets, secretFiles, startRelay, type Env, type Relay } from '@palisade/relay';
import type { PalisadeConfig, Problem } from '@palisade/schema';
import { CliError } from '../cli-error.js';
import { prepareKeys } from '../keys.js';

export interface RelayCommandOptions {
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

export async function runRelay(options: RelayCommandOptions): Promise<Relay> {
  const dataKey = prepareKeys(options.env, options.dataDir, options.log);
  const loaded = loadConfigFile(options.configPath);
  if (!loaded.ok) throw new CliError(`invalid config ${options.configPath}:\n${formatProblems(loaded.problems)}`);
  const config = options.adjustConfig ? options.adjustConfig(loaded.config) : loaded.config;
  const secrets = resolveSecrets(config, options.env);
  if (secrets.problems.length > 0 || secrets.maskingKey === undefined) {
    throw new CliError(`cannot start: ${formatProblems(secrets.problems)}`);
  }
  const sdk = sdkFile();
  return startRelay({
    config,
    maskingKey: secrets.maskingKey,
    settings: secrets.settings,
    dataKey,
    dataDir: resolve(options.dataDir),
    host: options.host,
    port: options.port,
    logger: createLogger(),
    ...(sdk ? { sdkFile: sdk } : {}),
    ...(options.siteDir ? { siteDir: resolve(options.siteDir) } : {}),
    secretFiles: secretFiles(config).map((f) => resolve(f)),
    configFile: resolve(options.configPath),
    ...(secrets.metricsToken ? { metricsToken: secrets.metricsToken } : {}),
  });
}
