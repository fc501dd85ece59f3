/**
 * Parses an ingest body (JSON, sent as application/json or text/plain) and checks each message on
 * its own: a message with a `__proto__`, `constructor` or `prototype` key, nested too deep or
 * with too many keys is one rejected message, not a refused batch (the SDK would otherwise drop
 * every event sent with it). JSON.parse makes such keys plain own properties; nothing downstream
 * sees a message before `messageProblem` has passed it.
 *
 * The body limit bounds the rest: a key costs at least four bytes (`"":0,`), so a 512 KB body
 * holds at most 131,072 keys, and the documented 2,500-message batch fits with room to spare.
 */
export const BODY_LIMIT_BYTES = 512 * 1024;
export const MAX_DEPTH = 32;
/** Keys of one message, counting array items. An SDK message has a few dozen. */
export const MAX_MESSAGE_KEYS = 5_000;

export type ParsedBody = { ok: true; value: unknown } | { ok: false; message: string };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Why this JSON value may not be used (forbidden key, depth, size), or undefined. */
export function messageProblem(root: unknown, maxKeys = MAX_MESSAGE_KEYS): string | undefined {
  if (root === null || typeof root !== 'object') return undefined;
  let keys = 0;
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > MAX_DEPTH) return `nested deeper than ${MAX_DEPTH} levels`;
    if (Array.isArray(node)) {
      keys += node.length;
      for (const item of node) if (item !== null && typeof item === 'object') stack.push([item, depth + 1]);
    } else {
      // JSON.parse makes plain objects whose keys are all own and enumerable.
      for (const key in node as object) {
        if (FORBIDDEN_KEYS.has(key)) return 'contains a forbidden key (__proto__, constructor or prototype)';
        keys++;
        const value = (node as Record<string, unknown>)[key];
        if (value !== null && typeof value === 'object') stack.push([value, depth + 1]);
      }
    }
    if (keys > maxKeys) return `more than ${maxKeys} keys`;
  }
  return undefined;
}

export function parseBody(text: string): ParsedBody {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, message: 'body is not valid JSON' };
  }
}

/**
 * The envelope around the messages (`/v1/batch`: everything but `batch`) passes the same checks;
 * a problem there concerns every message, so the body is refused.
 */
export function envelopeProblem(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  for (const key in body) {
    if (FORBIDDEN_KEYS.has(key)) return 'body contains a forbidden key (__proto__, constructor or prototype)';
    if (key === 'batch') continue;
    const problem = messageProblem((body as Record<string, unknown>)[key]);
    // Named only when it is a field of the envelope: a key the client chose is never echoed.
    if (problem) return `${key === 'context' || key === 'integrations' ? key : 'a field of the body'}: ${problem}`;
  }
  return undefined;
}
