/** Reading GTM parameters: `{type, key, value}`, lists of maps, and `{{Variable}}` references. */
import type { Parameter } from './export-format.js';

export function param(parameters: Parameter[] | undefined, key: string): Parameter | undefined {
  return parameters?.find((p) => p.key === key);
}

/** A parameter's value as text ('' when absent). */
export function text(parameters: Parameter[] | undefined, key: string): string {
  return param(parameters, key)?.value ?? '';
}

export function flag(parameters: Parameter[] | undefined, key: string): boolean {
  return text(parameters, key).toLowerCase() === 'true';
}

/** A LIST of MAPs as records: `eventSettingsTable` -> `[{parameter, parameterValue}, ...]`. */
export function rows(parameters: Parameter[] | undefined, key: string): Array<Record<string, string>> {
  const list = param(parameters, key)?.list ?? [];
  return list.map((entry) => Object.fromEntries((entry.map ?? []).filter((m) => m.key !== undefined).map((m) => [m.key!, m.value ?? ''])));
}

/** The variable a value is, when it is exactly one reference: `{{DL - email}}` -> `DL - email`. */
export function reference(value: string): string | undefined {
  const match = /^\{\{([^{}]{1,200})\}\}$/.exec(value.trim());
  return match?.[1];
}

/** Every variable a text refers to (`"G-{{Id}}"`, custom HTML). Linear: one scan for `{{`. */
export function references(value: string): string[] {
  const out: string[] = [];
  let at = 0;
  for (;;) {
    const start = value.indexOf('{{', at);
    if (start < 0) return out;
    const end = value.indexOf('}}', start + 2);
    if (end < 0) return out;
    const name = value.slice(start + 2, end);
    if (name.length > 0 && name.length <= 200 && !name.includes('{')) out.push(name);
    at = end + 2;
  }
}

/** Names that would reach an object's prototype if used as keys (the config's maps, literals). */
export function isPrototypeKey(name: string): boolean {
  return name === '__proto__' || name === 'constructor' || name === 'prototype';
}

/** Text from the container without control characters (tag names are whatever someone typed). */
export function withoutControls(value: string, replacement = ' '): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are what is removed.
  return value.replace(/[\u0000-\u001f\u007f-\u009f]/g, replacement);
}
