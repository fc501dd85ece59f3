/**
 * The one mapping engine every connector shares. A mapping turns a clean event into the vendor's
 * vocabulary: its event name, and parameters named as the vendor wants them. The connector
 * supplies a default mapping (GA4 calls `$pageview` `page_view`); the destination's `mapping:`
 * config is laid over it.
 *
 * The engine reads only the clean event's properties (or, for identify and group, its traits),
 * which the allowlist already admitted, screened and masked: a mapping can rename and drop, and
 * add constants the config names, but it can never reach a field the allowlist did not admit.
 * Pure: same inputs, same output.
 */
import type { MappingConfig } from '@palisade/schema';
import type { CleanObject, CleanValue } from '../pipeline/allowlist.js';
import type { CleanEvent } from '../pipeline/clean-event.js';

export type Scalar = string | number | boolean;

export interface Mapping {
  /** Clean event name -> vendor event name; `false`: the vendor does not get this event. */
  events: Record<string, string | false>;
  /** Dotted property path -> vendor parameter name. */
  properties: Record<string, string>;
  /** Parameters always set. */
  constants: Record<string, Scalar>;
  /** Parameters set when the event has no value for them. */
  defaults: Record<string, Scalar>;
  /** Allowed properties the mapping does not name travel under their own path (`keep`), or not. */
  unmapped: 'keep' | 'drop';
}

export interface MappedEvent {
  /** The vendor's event name (the connector may still apply the vendor's naming rules). */
  name: string;
  /** Vendor parameter name (a dotted path where unmapped properties were nested) -> value. */
  params: Record<string, CleanValue>;
  /** The clean event itself, for the fields every vendor places in its own way (ids, context). */
  event: CleanEvent;
}

export const EMPTY_MAPPING: Mapping = { events: {}, properties: {}, constants: {}, defaults: {}, unmapped: 'keep' };

/** The destination's mapping config over the connector's default. */
export function mergeMapping(base: Mapping, config: MappingConfig | undefined): Mapping {
  if (config === undefined) return base;
  return {
    events: { ...base.events, ...config.events },
    properties: { ...base.properties, ...config.properties },
    constants: { ...base.constants, ...config.constants },
    defaults: { ...base.defaults, ...config.defaults },
    unmapped: config.unmapped ?? base.unmapped,
  };
}

/** `{a: {b: 1}, c: [2]}` -> `[['a.b', 1], ['c', [2]]]`: leaves with their dotted paths. */
export function leaves(object: CleanObject, prefix = ''): Array<[string, CleanValue]> {
  const out: Array<[string, CleanValue]> = [];
  for (const [key, value] of Object.entries(object)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) out.push(...leaves(value, path));
    else out.push([path, value]);
  }
  return out;
}

/** The object the mapping reads: properties for track, page and screen; traits otherwise. */
function source(event: CleanEvent): CleanObject {
  return event.type === 'identify' || event.type === 'group' ? event.traits : event.properties;
}

export function applyMapping(event: CleanEvent, mapping: Mapping): MappedEvent | { dropped: string } {
  const name = Object.hasOwn(mapping.events, event.event) ? mapping.events[event.event]! : event.event;
  if (name === false) return { dropped: 'event not mapped for this destination' };
  const params: Record<string, CleanValue> = Object.create(null) as Record<string, CleanValue>;
  const named = new Set<string>();
  const found = leaves(source(event));
  for (const [path, value] of found) {
    const target = Object.hasOwn(mapping.properties, path) ? mapping.properties[path] : undefined;
    if (target !== undefined) {
      params[target] = value;
      named.add(path);
    }
  }
  if (mapping.unmapped === 'keep') {
    for (const [path, value] of found) if (!named.has(path) && !(path in params)) params[path] = value;
  }
  for (const [key, value] of Object.entries(mapping.defaults)) if (!(key in params)) params[key] = value;
  for (const [key, value] of Object.entries(mapping.constants)) params[key] = value;
  return { name, params: { ...params }, event };
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** Dotted parameters back to nested objects, for vendors that take nested JSON. */
export function nest(params: Record<string, CleanValue>): CleanObject {
  const out: CleanObject = {};
  for (const [path, value] of Object.entries(params)) {
    const parts = path.split('.');
    if (parts.some((p) => FORBIDDEN.has(p))) continue;
    let current = out;
    for (const part of parts.slice(0, -1)) {
      const next = Object.hasOwn(current, part) ? current[part] : undefined;
      if (next === undefined || next === null || typeof next !== 'object' || Array.isArray(next)) current[part] = {};
      current = current[part] as CleanObject;
    }
    current[parts[parts.length - 1]!] = value;
  }
  return out;
}
