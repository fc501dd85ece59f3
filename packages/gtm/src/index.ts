export { readExport, GtmImportError, MAX_EXPORT_BYTES } from './read-export.js';
export { importContainer, type ImportOptions, type ImportResult } from './import-container.js';
export { reportHtml, reportMarkdown } from './report-text.js';
export { configYaml } from './config-yaml.js';
export type { MigrationReport, TagOutcome, ParameterOutcome, TriggerOutcome, CriticalFinding, EnvVar } from './report-model.js';
