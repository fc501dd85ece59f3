/**
 * `palisade gtm import EXPORT.json`: a GTM container export in, a Palisade config and a migration
 * report out. Input it cannot take (not JSON, truncated, another tool's file, a server container,
 * far too large) exits 2 with one line; the config it writes is checked the way `palisade config
 * check` checks it before it is written.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { configYaml, GtmImportError, importContainer, MAX_EXPORT_BYTES, readExport, reportHtml, reportMarkdown } from '@palisade/gtm';
import { parseConfigText } from '@palisade/relay';
import { isPlainOrigin } from '@palisade/schema';
import { CliError } from '../cli-error.js';
import { printable } from '../printable.js';

export interface GtmImportOptions {
  file: string;
  out?: string;
  report?: string;
  json: boolean;
  origins: string[];
  sandbox?: string;
  force: boolean;
  say: (line: string) => void;
  note: (line: string) => void;
}

function readInput(file: string): Buffer {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new GtmImportError(`${file} is not a file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof GtmImportError) throw error;
    throw new GtmImportError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  // Refused before it is read: a 50 MB file is not a container, and reading it costs memory.
  if (size > MAX_EXPORT_BYTES)
    throw new GtmImportError(
      `${file} is ${(size / 1024 / 1024).toFixed(1)} MB; a GTM container export is well under 1 MB, so this is not one (limit ${MAX_EXPORT_BYTES / 1024 / 1024} MB)`,
    );
  return readFileSync(file);
}

function refuseOverwrite(path: string, force: boolean): void {
  if (existsSync(path) && !force) throw new CliError(`${path} exists; pass --force to replace it`);
}

export function runGtmImport(options: GtmImportOptions): number {
  for (const origin of options.origins) if (!isPlainOrigin(origin)) throw new CliError(`invalid --origin ${origin}: an origin such as https://www.example.org`);
  if (options.sandbox !== undefined && !isPlainOrigin(options.sandbox)) throw new CliError(`invalid --sandbox ${options.sandbox}: an origin such as http://127.0.0.1:8789`);
  const reportKind = options.report === undefined ? undefined : extname(options.report).toLowerCase();
  if (reportKind !== undefined && !['.html', '.htm', '.md'].includes(reportKind)) throw new CliError('--report names a .html or .md file');
  if (options.out) refuseOverwrite(options.out, options.force);
  if (options.report) refuseOverwrite(options.report, options.force);

  const container = readExport(readInput(options.file), options.file);
  const result = importContainer(container, {
    writeKey: `pk_live_${randomBytes(12).toString('base64url')}`,
    origins: options.origins,
    ...(options.sandbox ? { sandbox: options.sandbox } : {}),
  });
  const yaml = configYaml(result);
  // The same validation `palisade config check` and the relay run: an import never writes a config the relay would refuse.
  const checked = parseConfigText(yaml);
  if (!checked.ok) throw new CliError(`the imported config does not validate (a bug in the importer):\n${checked.problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);

  if (options.out) writeFileSync(options.out, yaml, { mode: 0o644 });
  if (options.report) writeFileSync(options.report, reportKind === '.md' ? reportMarkdown(result.report) : reportHtml(result.report));
  if (options.json) {
    options.say(JSON.stringify({ config: result.config, report: result.report }, null, 2));
    return 0;
  }
  if (!options.out) options.say(yaml.trimEnd());
  const r = result.report;
  // Tag names and keys come from the export: no control character reaches the terminal.
  const print = (line: string) => (options.out ? options.say : options.note)(printable(line));
  print(`Imported ${r.container.id}: ${r.tags.length} tags: ${r.counts.kept} kept, ${r.counts.changed} changed, ${r.counts.dropped} dropped, ${r.counts.review} to review.`);
  if (r.critical.length > 0) print(`${r.critical.length} critical PHI finding${r.critical.length === 1 ? '' : 's'}: ${r.critical.map((c) => c.what).join('; ')}.`);
  if (options.out) print(`Config: ${options.out} (passes palisade config check once the variables below are set).`);
  if (options.report) print(`Report: ${options.report}`);
  print(`Set: ${r.env.map((e) => e.name).join(', ')}`);
  return 0;
}
