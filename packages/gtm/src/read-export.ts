/**
 * Reads a GTM container export and refuses anything else in one line that says what was found:
 * a truncated or non-JSON file, another tool's export, a server (or app, or AMP) container,
 * another format version, a file far larger than any container. The line never quotes the
 * file's values: exports hold access tokens in constants.
 */
import { type ContainerExport, exportSchema, normalizeExport } from './export-format.js';

/** Containers are tens to hundreds of KB; the GTM UI refuses to save one much over 200 KB. */
export const MAX_EXPORT_BYTES = 10 * 1024 * 1024;

/** An input the importer cannot take: one line, the CLI exits 2. */
export class GtmImportError extends Error {}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/** Keys of an object, as safe short words (a key is not a value, but is still someone's text). */
function describeKeys(value: Record<string, unknown>): string {
  const keys = Object.keys(value)
    .slice(0, 6)
    .map((k) => k.replace(/[^\w$-]/g, '').slice(0, 30) || '?');
  return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.join(', ')}${Object.keys(value).length > 6 ? ', ...' : ''}`;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return `a JSON array of ${value.length} items`;
  if (value === null) return 'null';
  return typeof value === 'object' ? describeKeys(value as Record<string, unknown>) : `a JSON ${typeof value}`;
}

/** Names what a non-GTM JSON file looks like, where it is recognizable. */
function otherTool(value: Record<string, unknown>): string | undefined {
  if ('log' in value && typeof value.log === 'object') return 'a HAR file';
  if (Array.isArray(value.tags) && Array.isArray(value.triggers)) return 'a tag list that is not a GTM export (GTM exports nest tags under containerVersion)';
  if ('$schema' in value || 'environments' in value || 'destinations' in value) return 'a Palisade config';
  if ('exportFormatVersion' in value === false && 'containerVersion' in value === false && ('rules' in value || 'extensions' in value)) return 'an export of another tag manager';
  return undefined;
}

/** Parameters nest a few levels (a list of maps of values); far deeper is not a container. */
const MAX_DEPTH = 32;

/** The nesting depth of a parsed JSON value, found without recursion (a deep file cannot overflow the stack). */
function deepestNesting(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (depth > deepest) deepest = depth;
    if (deepest > 1000) return deepest;
    if (v !== null && typeof v === 'object') for (const child of Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return deepest;
}

export function readExport(bytes: Buffer | string, name = 'the file'): ContainerExport {
  const size = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;
  if (size > MAX_EXPORT_BYTES) throw new GtmImportError(`${name} is ${mb(size)}; a GTM container export is well under 1 MB, so this is not one (limit ${mb(MAX_EXPORT_BYTES)})`);
  if (size === 0) throw new GtmImportError(`${name} is empty`);
  const text = typeof bytes === 'string' ? bytes : bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    // V8 says "Unexpected end", "Unterminated string", or names the last position of the text.
    const atEnd = position !== undefined && Number(position) >= text.trimEnd().length - 1;
    if (/end of (JSON )?input|Unterminated/i.test(message) || atEnd) throw new GtmImportError(`${name} is not complete JSON: it ends too early (truncated download or copy?)`);
    throw new GtmImportError(`${name} is not JSON${position ? ` (unexpected character at byte ${position})` : ''}; export the container from GTM: Admin > Export Container`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new GtmImportError(`${name} is ${kindOf(value)}, not a GTM container export`);
  const object = value as Record<string, unknown>;
  if (!('containerVersion' in object) || !('exportFormatVersion' in object)) {
    throw new GtmImportError(`${name} is ${otherTool(object) ?? kindOf(object)}, not a GTM container export (which has exportFormatVersion and containerVersion)`);
  }
  if (object.exportFormatVersion !== 2) {
    const found = typeof object.exportFormatVersion === 'number' ? String(object.exportFormatVersion) : typeof object.exportFormatVersion;
    throw new GtmImportError(`${name} is a GTM export of format version ${found}; only version 2 (what GTM writes today) can be imported`);
  }
  const container = (object.containerVersion as { container?: { usageContext?: unknown; publicId?: unknown } } | null)?.container;
  const contexts = Array.isArray(container?.usageContext) ? container.usageContext.filter((c): c is string => typeof c === 'string').map((c) => c.toUpperCase()) : [];
  const id = typeof container?.publicId === 'string' && /^GTM-[A-Z0-9]{1,12}$/.test(container.publicId) ? `${container.publicId} ` : '';
  if (contexts.includes('SERVER')) {
    throw new GtmImportError(`${name} is a server container (${id}usageContext SERVER); only web containers can be imported (a server container already runs on your server)`);
  }
  const other = contexts.find((c) => c !== 'WEB');
  if (other !== undefined)
    throw new GtmImportError(`${name} is ${/^[A-Z_0-9]{1,20}$/.test(other) ? `an ${other}` : 'a non-web'} container (${id}); only web containers can be imported`);
  const depth = deepestNesting(object);
  if (depth > MAX_DEPTH)
    throw new GtmImportError(
      `${name} is not a valid GTM export: its values nest ${depth > 1000 ? 'more than 1,000' : depth} levels deep (a container nests fewer than ${MAX_DEPTH})`,
    );
  const parsed = exportSchema.safeParse(object);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    throw new GtmImportError(`${name} is not a valid GTM export: ${path.replace(/^\./, '')}: ${issue.message}`);
  }
  return normalizeExport(parsed.data);
}
