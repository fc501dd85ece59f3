/** Resolves `env:NAME` and `file:/path` references. Error messages name the reference, never a value. */
import { readFileSync } from 'node:fs';

export type Env = Record<string, string | undefined>;

export class SecretError extends Error {}

export function resolveSecret(ref: string, env: Env): string {
  if (ref.startsWith('env:')) {
    const name = ref.slice(4);
    const value = env[name];
    if (value === undefined || value === '') throw new SecretError(`environment variable ${name} is not set`);
    return value;
  }
  if (ref.startsWith('file:')) {
    const path = ref.slice(5);
    try {
      return readFileSync(path, 'utf8').trim();
    } catch (error) {
      throw new SecretError(`cannot read secret file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  throw new SecretError('not a secret reference');
}

/**
 * Copy of `settings` with the declared secret fields (`secrets`, from the connector's settings
 * schema) replaced by their values. Other fields are kept as written, even when they look like a
 * reference: what is a secret is declared, not guessed.
 */
export function resolveSettings<T extends Record<string, unknown>>(settings: T, secrets: readonly string[], env: Env, onError: (key: string, error: SecretError) => void): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (typeof value === 'string' && secrets.includes(key)) {
      try {
        out[key] = resolveSecret(value, env);
      } catch (error) {
        onError(key, error as SecretError);
      }
    } else {
      out[key] = value;
    }
  }
  return out as T;
}
