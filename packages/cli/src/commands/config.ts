/** `palisade config check FILE` and `palisade config schema`. */
import { configJsonSchema, identifierDisclosures, loadConfigFile, resolveSecrets, type Env } from '@palisade/relay';

export interface CheckOutput {
  ok: boolean;
  errors: string[];
  warnings: string[];
  /** What destinations will receive beyond masked ids, in plain words (identifier opt-ins). */
  notices: string[];
}

/** Structure errors fail the check; secrets not resolvable on this machine are warnings, weak ones errors. */
export function checkConfig(path: string, env: Env): CheckOutput {
  const loaded = loadConfigFile(path);
  if (!loaded.ok) return { ok: false, errors: loaded.problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)), warnings: [], notices: [] };
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const p of resolveSecrets(loaded.config, env).problems) {
    const line = `${p.path}: ${p.message}`;
    if (/not set|cannot read/.test(p.message)) warnings.push(line);
    else errors.push(line);
  }
  // A definition whose event no destination allows does nothing: usually a typo on one side.
  const allowed = new Set(loaded.config.destinations.flatMap((d) => Object.values(d.allow).flatMap((a) => a.events)));
  for (const name of new Set(loaded.config.definitions.map((d) => d.name))) {
    if (!allowed.has(name)) warnings.push(`definitions: "${name}" is allowed by no destination, so its events go nowhere`);
  }
  return { ok: errors.length === 0, errors, warnings, notices: identifierDisclosures(loaded.config).notices };
}

export function schemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
