/**
 * GTM ANDs a trigger's filters; a definition has one selector, one text, one url and a property
 * map per condition. This merges the filters that hold together into one definition condition,
 * or says why they cannot be (two different texts, two selectors on different tags).
 */
import { type CompoundSelector, type DefinitionCondition, parseSelector, type SelectorList } from '@palisade/schema';

export function renderCompound(c: CompoundSelector): string {
  let out = c.tag ?? '';
  if (c.id !== undefined) out += `#${c.id}`;
  for (const k of c.classes) out += `.${k}`;
  for (const a of c.attributes) out += a.operator === undefined ? `[${a.name}]` : `[${a.name}${a.operator}${JSON.stringify(a.value)}]`;
  if (c.nthOfType !== undefined) out += `:nth-of-type(${c.nthOfType})`;
  return out || '*';
}

export function renderSelector(list: SelectorList): string {
  return list.map((s) => s.compounds.map((c, i) => (i === 0 ? '' : s.combinators[i - 1] === 'child' ? ' > ' : ' ') + renderCompound(c)).join('')).join(', ');
}

/** Both selectors on the same element: the single-compound one joins the other's last compound. */
export function intersectSelectors(a: string, b: string): string | undefined {
  const [x, y] = [parseSelector(a), parseSelector(b)];
  if (x.length !== 1 || y.length !== 1) return undefined;
  let [long, short] = [x[0]!, y[0]!];
  if (short.compounds.length > 1) [long, short] = [short, long];
  if (short.compounds.length > 1) return undefined;
  const last = long.compounds[long.compounds.length - 1]!;
  const add = short.compounds[0]!;
  if (last.tag !== undefined && add.tag !== undefined && last.tag !== add.tag) return undefined;
  if (last.id !== undefined && add.id !== undefined && last.id !== add.id) return undefined;
  if (last.nthOfType !== undefined && add.nthOfType !== undefined && last.nthOfType !== add.nthOfType) return undefined;
  const merged: CompoundSelector = {
    ...((last.tag ?? add.tag) ? { tag: (last.tag ?? add.tag)! } : {}),
    ...((last.id ?? add.id) ? { id: (last.id ?? add.id)! } : {}),
    classes: [...new Set([...last.classes, ...add.classes])],
    attributes: [...last.attributes, ...add.attributes.filter((t) => !last.attributes.some((u) => JSON.stringify(u) === JSON.stringify(t)))],
    ...((last.nthOfType ?? add.nthOfType) ? { nthOfType: (last.nthOfType ?? add.nthOfType)! } : {}),
  };
  return renderSelector([{ compounds: [...long.compounds.slice(0, -1), merged], combinators: long.combinators }]);
}

/** The conditions ANDed into one; a string says why they cannot be. */
export function mergeConditions(conditions: DefinitionCondition[]): DefinitionCondition | string {
  const out: DefinitionCondition = {};
  for (const c of conditions) {
    if (c.selector !== undefined) {
      if (out.selector === undefined) out.selector = c.selector;
      else {
        const merged = intersectSelectors(out.selector, c.selector);
        if (merged === undefined) return `two element filters (${out.selector} and ${c.selector}) that cannot be one selector`;
        out.selector = merged;
      }
    }
    for (const field of ['text', 'url'] as const) {
      const value = c[field];
      if (value === undefined) continue;
      if (out[field] !== undefined && out[field] !== value) return `two ${field} filters on one trigger`;
      out[field] = value;
    }
    for (const [path, glob] of Object.entries(c.properties ?? {})) {
      out.properties ??= {};
      if (out.properties[path] !== undefined && out.properties[path] !== glob) return `two filters on ${path}`;
      out.properties[path] = glob;
    }
  }
  return out;
}

export function describeCondition(c: DefinitionCondition): string {
  const parts: string[] = [];
  if (c.selector) parts.push(c.selector);
  if (c.text) parts.push(`text ${JSON.stringify(c.text)}`);
  if (c.url) parts.push(`url ${JSON.stringify(c.url)}`);
  for (const [k, v] of Object.entries(c.properties ?? {})) parts.push(`${k} ${JSON.stringify(v)}`);
  return parts.join(', ') || 'always';
}
