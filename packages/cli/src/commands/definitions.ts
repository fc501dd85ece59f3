/**
 * `palisade definitions test FILE`: what the event definitions in FILE would match among the
 * relay's latest autotrack events, before they go live. The relay does the matching
 * (`POST /admin/definitions/test`), so only event names, element chains and page templates come
 * back: never clicked text, field values or addresses.
 */
import { readFileSync, statSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { definitionsSchema, type EventDefinition, formatPath } from '@palisade/schema';
import { CliError } from '../cli-error.js';
import { printable } from '../printable.js';
import { formatTable } from '../table.js';

export interface DefinitionTestResult {
  recent: number;
  definitions: Array<{ name: string; on: string; matched: number; examples: Array<{ on: string; elements?: string; page: string }> }>;
  unmatched: Array<{ on: string; elements?: string; page: string; count: number }>;
}

/** The definitions of a file: a config (its `definitions:`), `{definitions: [...]}`, or a bare list. */
export function readDefinitions(file: string): EventDefinition[] {
  let text: string;
  try {
    if (statSync(file).size > 5 * 1024 * 1024) throw new CliError(`${file} is larger than 5 MB; a definitions file is a few KB`);
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let value: unknown;
  try {
    value = parseYaml(text, { maxAliasCount: 100 });
  } catch {
    throw new CliError(`${file} is not valid YAML or JSON`);
  }
  const list = Array.isArray(value) ? value : (value as { definitions?: unknown } | null)?.definitions;
  if (!Array.isArray(list) || list.length === 0) throw new CliError(`${file} has no definitions (a definitions: list, as in the config)`);
  const parsed = definitionsSchema.safeParse(list);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  definitions${formatPath(i.path).replace(/^(?=\w)/, '.')}: ${i.message}`);
    throw new CliError(`${file} has invalid definitions:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export async function testDefinitions(definitions: EventDefinition[], relay: string, token: string | undefined): Promise<DefinitionTestResult> {
  if (!token) throw new CliError('definitions test needs the relay admin token: --token T or PALISADE_ADMIN_TOKEN (palisade start prints it)');
  let url: URL;
  try {
    url = new URL('/admin/definitions/test', relay);
  } catch {
    throw new CliError(`invalid --relay ${relay}`);
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ definitions }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    throw new CliError(`cannot reach the relay at ${url.origin}: ${(error as Error).message}`);
  }
  if (response.status === 404) throw new CliError(`the relay at ${url.origin} does not answer /admin/definitions/test: set admin.token in its config (or update the relay)`);
  if (response.status === 401) throw new CliError(`the relay at ${url.origin} refused the admin token`);
  const body = (await response.json().catch(() => undefined)) as (DefinitionTestResult & { error?: { message?: string } }) | undefined;
  if (!response.ok || body === undefined) throw new CliError(`the relay answered ${response.status}${body?.error?.message ? `: ${body.error.message}` : ''}`);
  return body;
}

export function formatDefinitionTest(result: DefinitionTestResult): string {
  const lines = [`${result.recent} recent autotrack event${result.recent === 1 ? '' : 's'} on the relay`, ''];
  const rows = result.definitions.map((d) => [
    printable(d.name),
    d.on,
    String(d.matched),
    d.on === 'event' ? '(on: event is not tested: the relay keeps autotrack events only)' : printable(d.examples[0]?.page ?? ''),
  ]);
  lines.push(formatTable(['DEFINITION', 'ON', 'MATCHED', 'FIRST PAGE'], rows));
  for (const d of result.definitions) {
    if (d.examples.length === 0) continue;
    lines.push('', printable(`${d.name} matched:`));
    for (const e of d.examples) lines.push(printable(`  ${e.page}  ${e.elements ?? ''}`));
  }
  if (result.unmatched.length > 0) {
    lines.push('', 'Matched by no definition (most frequent first):');
    for (const u of result.unmatched) lines.push(printable(`  ${String(u.count).padStart(4)}  ${u.on.padEnd(6)}  ${u.page}  ${u.elements ?? ''}`));
  }
  return lines.join('\n');
}
