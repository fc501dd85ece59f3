/**
 * Secrets in config are references, never values: `env:NAME` or `file:/absolute/path`.
 * Refusing inline values keeps secrets out of git, config exports and audit diffs.
 */
import { z } from 'zod';

const ENV_REF = /^env:[A-Za-z_][A-Za-z0-9_]*$/;
const FILE_REF = /^file:\/\S+$/;

export function isSecretRef(value: string): boolean {
  return ENV_REF.test(value) || FILE_REF.test(value);
}

export const secretRefSchema = z.string().refine(isSecretRef, {
  message: 'inline secrets are not allowed; use env:NAME',
});

/**
 * A settings field that holds a secret reference. Connectors declare their secrets with it: the
 * relay resolves exactly these fields (and no value that merely looks like a reference), and
 * `secretFields` lists them for the site server, which must never serve a `file:` secret.
 */
export function secret() {
  return secretRefSchema.meta({ secret: true });
}

/** The names of a settings schema's secret fields. */
export function secretFields(settings: z.ZodObject): string[] {
  return Object.entries(settings.shape)
    .filter(([, field]) => isSecretSchema(field as z.ZodType))
    .map(([name]) => name);
}

function isSecretSchema(field: z.ZodType): boolean {
  for (let current: z.ZodType | undefined = field; current !== undefined; ) {
    if ((z.globalRegistry.get(current) as { secret?: boolean } | undefined)?.secret === true) return true;
    const unwrap: unknown = (current as { unwrap?: unknown }).unwrap;
    current = typeof unwrap === 'function' ? (unwrap as () => z.ZodType).call(current) : undefined;
  }
  return false;
}
