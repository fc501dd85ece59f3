/** This release's version, from the CLI package's own package.json (dist/version.js -> ../package.json). */
import { readFileSync } from 'node:fs';

export function cliVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
