/** The imported config as YAML, with a header that says where it came from and what to do next. */
import { stringify } from 'yaml';
import type { ImportResult } from './import-container.js';

export function configYaml(result: ImportResult): string {
  const k = result.report.container;
  // Comment lines hold only what cannot break out of a comment: checked ids and generated names.
  const line = (text: string) => text.replace(/[\r\n\u2028\u2029]/g, ' ');
  const header = [
    line(`# Imported from GTM container ${k.id} (version ${k.version || 'unknown'}) by palisade gtm import.`),
    '# Review the migration report before going live: it says what was kept, changed, dropped',
    '# and left to review, and why. Secrets are env: references; set these variables:',
    ...result.report.env.map((e) => line(`#   ${e.name}`)),
    '',
  ];
  return header.join('\n') + stringify(result.config, { lineWidth: 0 });
}
