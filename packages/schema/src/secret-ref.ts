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

export type SecretRef = z.infer<typeof secretRefSchema>;
