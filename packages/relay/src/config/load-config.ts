/**
 * Reads a YAML or JSON config file and validates it. Every problem is reported with its path;
 * secrets are resolved separately so `config check` can run where secrets are not available.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { secretFields, type PalisadeConfig, type Problem } from '@palisade/schema';
import { configProblems } from './config-problems.js';
import { identifierDisclosures } from './identifier-disclosures.js';
import { connectorFor } from '../destinations/registry.js';
import { configSchema } from './config-schema.js';
import { MIN_KEY_BYTES, decodeKey } from '../keys/key-material.js';
import { resolveSecret, resolveSettings, type Env } from './secrets.js';

export type ConfigResult = { ok: true; config: PalisadeConfig } | { ok: false; problems: Problem[] };

export function parseConfigText(text: string): ConfigResult {
  let raw: unknown;
  try {
    // YAML 1.2 is a superset of JSON: one parser for both formats.
    // Only the line number is reported: the parser's message quotes the source, which may hold a secret.
    raw = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : '';
    return { ok: false, problems: [{ path: '', message: `not valid YAML or JSON${where}` }] };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, problems: [{ path: '', message: 'the config must be an object' }] };
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: configProblems(parsed.error, raw) };
  const config = parsed.data as PalisadeConfig;
  const { problems } = identifierDisclosures(config);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config };
}

export function loadConfigFile(path: string): ConfigResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { ok: false, problems: [{ path: '', message: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}` }] };
  }
  return parseConfigText(text);
}

export interface ResolvedSecrets {
  maskingKey?: Buffer;
  metricsToken?: string;
  adminToken?: string;
  /** Destination settings with secrets resolved, by destination id. */
  settings: Record<string, Record<string, unknown>>;
  problems: Problem[];
}

/** Resolves the masking key and every destination secret; problems name paths, never values. */
export function resolveSecrets(config: PalisadeConfig, env: Env): ResolvedSecrets {
  const problems: Problem[] = [];
  let maskingKey: Buffer | undefined;
  try {
    maskingKey = decodeKey(resolveSecret(config.masking.key, env));
    if (maskingKey.length < MIN_KEY_BYTES) {
      problems.push({ path: 'masking.key', message: `the masking key is too weak: ${maskingKey.length} bytes, at least ${MIN_KEY_BYTES} are required` });
      maskingKey = undefined;
    }
  } catch (error) {
    problems.push({ path: 'masking.key', message: (error as Error).message });
  }
  /** A bearer token: at least 16 characters, or a problem at its path. */
  const token = (ref: string | undefined, path: string, what: string): string | undefined => {
    if (ref === undefined) return undefined;
    try {
      const value = resolveSecret(ref, env);
      if (value.length >= 16) return value;
      problems.push({ path, message: `the ${what} token is too short: at least 16 characters` });
    } catch (error) {
      problems.push({ path, message: (error as Error).message });
    }
    return undefined;
  };
  const metricsToken = token(config.metrics.token, 'metrics.token', 'metrics');
  const adminToken = token(config.admin.token, 'admin.token', 'admin');
  const settings: Record<string, Record<string, unknown>> = {};
  config.destinations.forEach((d, i) => {
    settings[d.id] = resolveSettings(d.settings, secretFields(connectorFor(d.type).settings), env, (key, error) => {
      problems.push({ path: `destinations[${i}].settings.${key}`, message: error.message });
    });
  });
  return { ...(maskingKey ? { maskingKey } : {}), ...(metricsToken ? { metricsToken } : {}), ...(adminToken ? { adminToken } : {}), settings, problems };
}

/** Files the config reads secrets from (`file:/path`): the site server must never serve them. */
export function secretFiles(config: PalisadeConfig): string[] {
  const refs = [
    config.masking.key,
    config.metrics.token,
    config.admin.token,
    ...config.destinations.flatMap((d) => secretFields(connectorFor(d.type).settings).map((field) => d.settings[field])),
  ];
  return refs.filter((r): r is string => typeof r === 'string' && r.startsWith('file:')).map((r) => r.slice(5));
}
