/**
 * Parses an ingest body (JSON, sent as application/json or text/plain). Keys that could pollute
 * prototypes are refused by secure-json-parse; nesting depth and the total number of keys are
 * bounded so one request cannot make the relay walk a pathological structure.
 */
import sjson from 'secure-json-parse';

export const BODY_LIMIT_BYTES = 512 * 1024;
export const MAX_DEPTH = 32;
export const MAX_KEYS = 20_000;

export type ParsedBody = { ok: true; value: unknown } | { ok: false; message: string };

function withinLimits(root: unknown): string | undefined {
  let keys = 0;
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > MAX_DEPTH) return `nesting deeper than ${MAX_DEPTH} levels`;
    if (Array.isArray(node)) {
      keys += node.length;
      for (const item of node) if (item !== null && typeof item === 'object') stack.push([item, depth + 1]);
    } else {
      for (const key in node) {
        keys++;
        const value = (node as Record<string, unknown>)[key];
        if (value !== null && typeof value === 'object') stack.push([value, depth + 1]);
      }
    }
    if (keys > MAX_KEYS) return `more than ${MAX_KEYS} keys`;
  }
  return undefined;
}

export function parseBody(text: string): ParsedBody {
  let value: unknown;
  try {
    value = sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    if (error instanceof SyntaxError) return { ok: false, message: 'body is not valid JSON' };
    return { ok: false, message: 'body contains a forbidden key (__proto__ or constructor.prototype)' };
  }
  const limit = withinLimits(value);
  return limit === undefined ? { ok: true, value } : { ok: false, message: `body too complex: ${limit}` };
}
