/** The imported config as YAML, with a header that says where it came from and what to do next. */
import { stringify } from 'yaml';
import type { ImportResult } from './import-container.js';

export function configYaml(result: ImportResult): string {
  const k = result.report.container;
  const header = [
    `# Imported from GTM container ${k.id} (version ${k.version || 'unknown'}) by palisade gtm import.`,
    '# Review the migration report before going live: it says what was kept, changed, dropped',
    '# and left to review, and why. Secrets are env: references; set these variables:',
    ...result.report.env.map((e) => `#   ${e.name}`),
    '',
  ];
  return header.join('\n') + stringify(result.config, { lineWidth: 0 });
}
