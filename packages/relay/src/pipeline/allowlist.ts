/**
 * Property allowlists: only the dotted paths a destination names are copied, each either in
 * clear (`allow`) or masked (`mask`). An object is never copied wholesale: its leaves must be
 * named. Reads use own properties only, so `__proto__` or `constructor` keys cannot reach anything.
 *
 * A value longer than its limit (`privacy.maxValueLength`, 1,024 characters unless the property
 * has its own) is dropped, masked or not, before anything else looks at it: the PHI screen only
 * ever reads what could be forwarded. Each refused value is reported with its reason.
 */
import type { PropertyRule } from '@palisade/schema';
import type { MaskFn } from './hmac-mask.js';
import { phiKind, type PhiKind } from './looks-like-phi.js';

export type JsonPrimitive = string | number | boolean | null;
export type CleanValue = JsonPrimitive | JsonPrimitive[] | CleanObject;
export interface CleanObject {
  [key: string]: CleanValue;
}

export interface AllowlistOptions {
  mask: MaskFn;
  /** In HIPAA mode an allowed value that looks like a direct identifier is dropped anyway. */
  screenValues: boolean;
  /** The longest string (in characters) forwarded for a property path. */
  maxLength: (path: string) => number;
}

/** Why a named value was not forwarded. Never the value itself. */
export type RefusalReason = 'too long' | 'not a primitive' | 'not a finite number' | `looks like ${PhiKind}`;

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

function readPath(source: unknown, parts: string[]): unknown {
  let current = source;
  for (const part of parts) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    if (!Object.hasOwn(current, part)) return undefined;
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

type Cleaned = { value: JsonPrimitive } | { refused: RefusalReason };

function cleanPrimitive(value: unknown, rule: PropertyRule, maxLength: number, options: AllowlistOptions): Cleaned {
  if (value === null) return { value: null };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { refused: 'not a finite number' };
    return { value: rule === 'mask' ? options.mask(value) : value };
  }
  if (typeof value === 'boolean') return { value: rule === 'mask' ? options.mask(value) : value };
  if (typeof value === 'string') {
    if (value.length > maxLength) return { refused: 'too long' };
    if (rule === 'mask') return { value: options.mask(value) };
    const kind = options.screenValues ? phiKind(value) : undefined;
    return kind === undefined ? { value } : { refused: `looks like ${kind}` };
  }
  return { refused: 'not a primitive' };
}

export interface AllowlistResult {
  properties: CleanObject;
  /** Paths named by the allowlist whose value was refused, with the reason. */
  refused: Array<{ path: string; reason: RefusalReason }>;
  /** Paths whose value was masked (stored beside the event, so delivery never masks twice). */
  masked: string[];
}

export function applyAllowlist(source: Record<string, unknown> | undefined, rules: Readonly<Record<string, PropertyRule>>, options: AllowlistOptions): AllowlistResult {
  const properties: CleanObject = {};
  const refused: AllowlistResult['refused'] = [];
  const masked: string[] = [];
  if (source === undefined) return { properties, refused, masked };
  for (const path of Object.keys(rules).sort()) {
    const parts = path.split('.');
    if (parts.some((p) => FORBIDDEN.has(p))) continue;
    const rule = rules[path]!;
    const value = readPath(source, parts);
    if (value === undefined) continue;
    const maxLength = options.maxLength(path);
    const items = Array.isArray(value) ? value : [value];
    const clean: JsonPrimitive[] = [];
    let refusal: RefusalReason | undefined;
    for (const item of items) {
      const c = cleanPrimitive(item, rule, maxLength, options);
      if ('refused' in c) {
        refusal = c.refused;
        break;
      }
      clean.push(c.value);
    }
    if (refusal !== undefined) {
      refused.push({ path, reason: refusal });
      continue;
    }
    writePath(properties, parts, Array.isArray(value) ? clean : clean[0]!);
    if (rule === 'mask') masked.push(path);
  }
  return { properties, refused, masked };
}
