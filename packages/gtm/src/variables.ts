/**
 * What a `{{Variable}}` is, in terms the relay can evaluate: a data-layer value becomes an event
 * property, a constant a constant, the page and click built-ins parts of the page context or of
 * autotrack's element chain. What has no server-side equivalent (custom JavaScript, DOM reads,
 * cookies) is named so the report can send it to review.
 */
import type { ContainerExport, Parameter } from './export-format.js';
import { isPrototypeKey, reference, rows, text } from './parameters.js';

export type PagePart = 'url' | 'path' | 'hostname' | 'referrer' | 'query' | 'fragment';
export type ElementPart = 'text' | 'url' | 'id' | 'classes' | 'element' | 'target' | 'attribute';

export type Resolved =
  | { kind: 'dataLayer'; name: string; path: string }
  | { kind: 'constant'; value: string }
  | { kind: 'page'; part: PagePart }
  | { kind: 'element'; of: 'click' | 'form' | 'auto'; part: ElementPart }
  | { kind: 'event' }
  | { kind: 'lookup'; input: string; table: Array<{ key: string; value: string }>; fallback?: string }
  | { kind: 'userProvidedData'; mode: string; fields: string[] }
  | { kind: 'settings'; table: Array<Record<string, string>>; userProperties: Array<Record<string, string>> }
  | { kind: 'cookie'; name: string }
  | { kind: 'review'; what: string }
  | { kind: 'unknown' };

/** GTM's built-in variables by the names exports refer to them with. */
const BUILT_INS: Record<string, Resolved> = {
  'Page URL': { kind: 'page', part: 'url' },
  'Page Path': { kind: 'page', part: 'path' },
  'Page Hostname': { kind: 'page', part: 'hostname' },
  Referrer: { kind: 'page', part: 'referrer' },
  Event: { kind: 'event' },
  _event: { kind: 'event' },
  'Click Text': { kind: 'element', of: 'click', part: 'text' },
  'Click URL': { kind: 'element', of: 'click', part: 'url' },
  'Click ID': { kind: 'element', of: 'click', part: 'id' },
  'Click Classes': { kind: 'element', of: 'click', part: 'classes' },
  'Click Element': { kind: 'element', of: 'click', part: 'element' },
  'Click Target': { kind: 'element', of: 'click', part: 'target' },
  'Form Text': { kind: 'element', of: 'form', part: 'text' },
  'Form URL': { kind: 'element', of: 'form', part: 'url' },
  'Form ID': { kind: 'element', of: 'form', part: 'id' },
  'Form Classes': { kind: 'element', of: 'form', part: 'classes' },
  'Form Element': { kind: 'element', of: 'form', part: 'element' },
  'Form Target': { kind: 'element', of: 'form', part: 'target' },
};

const AUTO_EVENT_PARTS: Record<string, ElementPart> = { TEXT: 'text', URL: 'url', ID: 'id', CLASSES: 'classes', ELEMENT: 'element', TARGET: 'target', ATTRIBUTE: 'attribute' };
const URL_PARTS: Record<string, PagePart> = { URL: 'url', PATH: 'path', HOST: 'hostname', QUERY: 'query', FRAGMENT: 'fragment' };

/** A data-layer name (`ecommerce.value`, `form-name`) as a config property path. */
export function propertyPath(name: string): string {
  return name
    .split('.')
    .map((s) => s.trim())
    .filter(Boolean)
    .slice(0, 8)
    .join('.');
}

export class Variables {
  readonly #byName = new Map<string, { type: string; parameter: Parameter[] }>();

  constructor(container: ContainerExport) {
    for (const v of container.containerVersion.variable) this.#byName.set(v.name, v);
  }

  /** The variable named `name`. */
  resolve(name: string): Resolved {
    if (Object.hasOwn(BUILT_INS, name)) return BUILT_INS[name]!;
    const v = this.#byName.get(name);
    if (!v) return { kind: 'unknown' };
    const p = v.parameter;
    switch (v.type) {
      case 'v': {
        const dl = text(p, 'name');
        const path = propertyPath(dl);
        // A path through a prototype key is refused by the config schema: review it by hand.
        if (path === '' || path.split('.').some(isPrototypeKey)) return { kind: 'review', what: 'a data layer name the config cannot use' };
        return { kind: 'dataLayer', name: dl, path };
      }
      case 'c':
        return { kind: 'constant', value: text(p, 'value') };
      case 'e':
        return { kind: 'event' };
      case 'f':
        return { kind: 'page', part: 'referrer' };
      case 'u': {
        const component = text(p, 'component').toUpperCase() || 'URL';
        return { kind: 'page', part: (Object.hasOwn(URL_PARTS, component) ? URL_PARTS[component] : undefined) ?? 'url' };
      }
      case 'aev': {
        const varType = text(p, 'varType').toUpperCase();
        return { kind: 'element', of: 'auto', part: (Object.hasOwn(AUTO_EVENT_PARTS, varType) ? AUTO_EVENT_PARTS[varType] : undefined) ?? 'element' };
      }
      case 'smm': {
        const table = rows(p, 'map').map((r) => ({ key: r.key ?? '', value: r.value ?? '' }));
        const fallback = text(p, 'setDefaultValue') === 'true' ? text(p, 'defaultValue') : undefined;
        return { kind: 'lookup', input: text(p, 'input'), table, ...(fallback === undefined ? {} : { fallback }) };
      }
      case 'awec': {
        const mode = (text(p, 'mode') || 'MANUAL').toUpperCase();
        const fields = p.filter((x) => x.key !== 'mode' && x.value !== undefined && x.value !== '' && x.value !== 'false').map((x) => x.key ?? '');
        return { kind: 'userProvidedData', mode, fields };
      }
      case 'gtes':
      case 'gtcs':
        return { kind: 'settings', table: [...rows(p, 'eventSettingsTable'), ...rows(p, 'configSettingsTable')], userProperties: rows(p, 'userProperties') };
      case 'k':
        return { kind: 'cookie', name: text(p, 'name') };
      case 'jsm':
        return { kind: 'review', what: 'custom JavaScript' };
      case 'j':
        return { kind: 'review', what: 'a JavaScript global' };
      case 'd':
        return { kind: 'review', what: 'a DOM element read' };
      case 'remm':
        return { kind: 'review', what: 'a regex table' };
      default:
        return { kind: 'review', what: `a variable of type ${v.type.replace(/[^\w-]/g, '').slice(0, 40)}` };
    }
  }

  /** A value as written in a tag: a literal, one `{{reference}}`, or a mix (which needs review). */
  value(raw: string): Resolved | { kind: 'literal'; value: string } | { kind: 'template' } {
    const ref = reference(raw);
    if (ref !== undefined) return this.resolve(ref);
    return raw.includes('{{') ? { kind: 'template' } : { kind: 'literal', value: raw };
  }

  /** The variable's GTM type code (`v`, `jsm`, ...), when it is a custom variable. */
  typeOf(name: string): string | undefined {
    return this.#byName.get(name)?.type;
  }
}
