/**
 * Config problems as a person reads them: every problem in one pass (a destination whose `type`
 * is unknown still has its other fields checked), messages in plain words rather than the
 * validator's, and "did you mean" for a misspelt key or destination type.
 */
import { anyDestinationSchema, problemsFrom, type Problem } from '@palisade/schema';
import type { z } from 'zod';
import { connectors } from '../destinations/registry.js';
import { configJsonSchema } from './config-schema.js';

const NOUNS: Record<string, string> = {
  array: 'a list',
  object: 'a map of keys and values',
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
  null: 'empty',
};
const noun = (type: string) => NOUNS[type] ?? type;

/** Edit distance, for suggestions (short strings only: config keys and type names). */
function distance(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return Number.POSITIVE_INFINITY;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The closest candidate within a third of the word's length (at least 1, at most 3 edits). */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const d = distance(word, candidate);
    if (d < bestDistance && d > 0) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

let vocabulary: Set<string> | undefined;
/** Every key the config's JSON Schema names, at any depth. */
function configKeys(): Set<string> {
  if (vocabulary) return vocabulary;
  const keys = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'properties' && value && typeof value === 'object') for (const name of Object.keys(value)) keys.add(name);
        walk(value);
      }
    }
  };
  walk(configJsonSchema());
  vocabulary = keys;
  return keys;
}

/** The validator's message in plain words. */
function plain(message: string): string {
  const typed = /^Invalid input: expected (\w+), received (\w+)$/.exec(message);
  if (typed) return typed[2] === 'undefined' ? 'is required' : `must be ${noun(typed[1]!)}, not ${noun(typed[2]!)}`;
  return message.replace(/^Invalid input: /, '');
}

const at = (prefix: string, path: string) => (path === '' ? prefix : path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`);

export function configProblems(error: z.ZodError, raw: unknown): Problem[] {
  const types = connectors.map((c) => c.type);
  const out: Problem[] = [];
  for (const problem of problemsFrom(error)) {
    const unknownType = /^destinations\[(\d+)\]\.type$/.exec(problem.path);
    if (unknownType && /discriminator/i.test(problem.message)) {
      const index = Number(unknownType[1]);
      const destination = (raw as { destinations?: unknown[] }).destinations?.[index] as Record<string, unknown> | undefined;
      const type = destination?.type;
      if (typeof type !== 'string') {
        out.push({ path: problem.path, message: `is required: one of ${types.join(', ')}` });
        continue;
      }
      const guess = closest(type, types);
      out.push({ path: problem.path, message: `unknown destination type ${JSON.stringify(type)}${guess ? `; did you mean ${guess}?` : ''} (known: ${types.join(', ')})` });
      // The rest of the destination is still checked, as far as it can be without its type.
      const rest = anyDestinationSchema.safeParse({ ...destination, settings: typeof destination?.settings === 'object' ? destination.settings : {} });
      if (!rest.success) for (const p of problemsFrom(rest.error)) if (p.path !== 'type') out.push({ path: at(`destinations[${index}]`, p.path), message: plain(p.message) });
      continue;
    }
    if (problem.message === 'unknown key') {
      const key = problem.path.replace(/^.*[.\]]/, '');
      const guess = closest(key, configKeys());
      out.push({ path: problem.path, message: guess ? `unknown key; did you mean ${guess}?` : 'unknown key' });
      continue;
    }
    out.push({ path: problem.path, message: plain(problem.message) });
  }
  return out;
}
