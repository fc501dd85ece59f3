/**
 * Parses an ingest body (JSON, sent as application/json or text/plain). One walk over the result
 * bounds nesting depth and the number of keys, and refuses `__proto__` and `constructor` keys, so
 * nothing downstream can be tricked into touching a prototype.
 */
export const BODY_LIMIT_BYTES = 512 * 1024;
export const MAX_DEPTH = 32;
export const MAX_KEYS = 20_000;

export type ParsedBody = { ok: true; value: unknown } | { ok: false; message: string };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function problemIn(root: unknown): string | undefined {
  let keys = 0;
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > MAX_DEPTH) return `body too complex: nesting deeper than ${MAX_DEPTH} levels`;
    if (Array.isArray(node)) {
      keys += node.length;
      for (const item of node) if (item !== null && typeof item === 'object') stack.push([item, depth + 1]);
    } else {
      // JSON.parse makes plain objects whose keys are all own and enumerable.
      for (const key in node as object) {
        if (FORBIDDEN_KEYS.has(key)) return 'body contains a forbidden key (__proto__, constructor or prototype)';
        keys++;
        const value = (node as Record<string, unknown>)[key];
        if (value !== null && typeof value === 'object') stack.push([value, depth + 1]);
      }
    }
    if (keys > MAX_KEYS) return `body too complex: more than ${MAX_KEYS} keys`;
  }
  return undefined;
}

export function parseBody(text: string): ParsedBody {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, message: 'body is not valid JSON' };
  }
  if (value === null || typeof value !== 'object') return { ok: true, value };
  const problem = problemIn(value);
  return problem === undefined ? { ok: true, value } : { ok: false, message: problem };
}
