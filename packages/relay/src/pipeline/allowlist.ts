/**
 * Property allowlists: only the dotted paths a destination names are copied, each either in
 * clear (`allow`) or masked (`mask`). An object is never copied wholesale: its leaves must be
 * named. Reads use own properties only, so `__proto__` or `constructor` keys cannot reach anything.
 */
import type { PropertyRule } from '@palisade/schema';
import type { MaskFn } from './hmac-mask.js';
import { phiKind } from './looks-like-phi.js';

export type JsonPrimitive = string | number | boolean | null;
export type CleanValue = JsonPrimitive | JsonPrimitive[] | CleanObject;
export interface CleanObject {
  [key: string]: CleanValue;
}

export interface AllowlistOptions {
  mask: MaskFn;
  /** In HIPAA mode an allowed value that looks like a direct identifier is dropped anyway. */
  screenValues: boolean;
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_STRING = 1024;

function readPath(source: unknown, parts: string[]): unknown {
  let current = source;
  for (const part of parts) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function writePath(target: CleanObject, parts: string[], value: CleanValue): void {
  let current = target;
  for (const part of parts.slice(0, -1)) {
    const next = current[part];
    if (next === undefined || next === null || typeof next !== 'object' || Array.isArray(next)) {
      const created: CleanObject = {};
      current[part] = created;
      current = created;
    } else {
      current = next as CleanObject;
    }
  }
  current[parts[parts.length - 1]!] = value;
}

function cleanPrimitive(value: unknown, rule: PropertyRule, options: AllowlistOptions): JsonPrimitive | undefined {
  if (value === null) return null;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    return rule === 'mask' ? options.mask(value) : value;
  }
  if (typeof value === 'boolean') return rule === 'mask' ? options.mask(value) : value;
  if (typeof value === 'string') {
    if (rule === 'mask') return options.mask(value);
    if (options.screenValues && phiKind(value) !== undefined) return undefined;
    return value.length > MAX_STRING ? value.slice(0, MAX_STRING) : value;
  }
  return undefined;
}

export interface AllowlistResult {
  properties: CleanObject;
  /** Paths named by the allowlist whose value was refused (object, PHI-looking, bad type). */
  refused: string[];
}

export function applyAllowlist(
  source: Record<string, unknown> | undefined,
  rules: Readonly<Record<string, PropertyRule>>,
  options: AllowlistOptions,
): AllowlistResult {
  const properties: CleanObject = {};
  const refused: string[] = [];
  if (source === undefined) return { properties, refused };
  for (const path of Object.keys(rules).sort()) {
    const parts = path.split('.');
    if (parts.some((p) => FORBIDDEN.has(p))) continue;
    const rule = rules[path]!;
    const value = readPath(source, parts);
    if (value === undefined) continue;
    let clean: CleanValue | undefined;
    if (Array.isArray(value)) {
      const items = value.map((item) => cleanPrimitive(item, rule, options));
      clean = items.every((i) => i !== undefined) ? (items as JsonPrimitive[]) : undefined;
    } else {
      clean = cleanPrimitive(value, rule, options);
    }
    if (clean === undefined) refused.push(path);
    else writePath(properties, parts, clean);
  }
  return { properties, refused };
}
