/**
 * Reads the element chain autotrack sends (`$elements`) and matches definitions' selectors
 * against it. A chain describes the element and up to five ancestors, innermost first:
 *
 *   button#book-submit.btn:nth-of-type(1)[type=submit] < form#appointment.stack:nth-of-type(1) < main:nth-of-type(1)
 *
 * The chain comes from the visitor's browser, so it is untrusted text: it is read in one pass,
 * bounded in length and depth, and a chain that does not parse simply matches nothing.
 */
import type { AttributeTest, ComplexSelector, CompoundSelector, SelectorList } from '@palisade/schema';
import { chainToken } from '@palisade/schema';

export interface ChainElement {
  tag: string;
  id?: string;
  classes: string[];
  nthOfType?: number;
  attributes: Map<string, string>;
}

/** Longer chains are not autotrack's (six elements of at most a few hundred characters). */
export const MAX_CHAIN_LENGTH = 4096;
const MAX_ELEMENTS = 12;
const TAG = /^[a-z][a-z0-9-]*/;

/** `[A-Za-z0-9_-]`: what autotrack keeps of ids, classes and values. */
function isTokenChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;
}

function parseElement(part: string): ChainElement | undefined {
  const tag = TAG.exec(part)?.[0];
  if (tag === undefined) return undefined;
  const element: ChainElement = { tag, classes: [], attributes: new Map() };
  let i = tag.length;
  const token = () => {
    const start = i;
    while (i < part.length && isTokenChar(part.charCodeAt(i))) i++;
    return part.slice(start, i);
  };
  while (i < part.length) {
    const c = part[i]!;
    if (c === '#') {
      i++;
      element.id = token();
    } else if (c === '.') {
      i++;
      element.classes.push(token());
    } else if (part.startsWith(':nth-of-type(', i)) {
      i += ':nth-of-type('.length;
      const n = Number(token());
      if (part[i] !== ')') return undefined;
      i++;
      element.nthOfType = n;
    } else if (c === '[') {
      const eq = part.indexOf('=', i);
      if (eq < 0) return undefined;
      const name = part.slice(i + 1, eq);
      // href comes last and is a URL path or origin, which may itself hold `]`: it runs to the end.
      const end = name === 'href' ? part.length - 1 : part.indexOf(']', eq);
      if (end < eq || part[end] !== ']') return undefined;
      element.attributes.set(name, part.slice(eq + 1, end));
      i = end + 1;
    } else return undefined;
  }
  if (element.id !== undefined) element.attributes.set('id', element.id);
  if (element.classes.length > 0) element.attributes.set('class', element.classes.join(' '));
  return element;
}

/** The chain's elements, innermost first; empty when it is not a chain autotrack would send. */
export function parseChain(chain: unknown): ChainElement[] {
  if (typeof chain !== 'string' || chain.length === 0 || chain.length > MAX_CHAIN_LENGTH) return [];
  const parts = chain.split(' < ');
  if (parts.length > MAX_ELEMENTS) return [];
  const out: ChainElement[] = [];
  for (const part of parts) {
    const element = parseElement(part);
    if (element === undefined) return [];
    out.push(element);
  }
  return out;
}

function attributeMatches(test: AttributeTest, element: ChainElement): boolean {
  const actual = element.attributes.get(test.name);
  if (actual === undefined) return false;
  if (test.operator === undefined) return true;
  // Autotrack kept only word characters of names, types and roles (and of each class, which the
  // class attribute lists with single spaces); hrefs are kept as they are.
  const expected = test.name === 'href' ? test.value! : test.name === 'class' ? test.value!.trim().split(/\s+/).map(chainToken).join(' ') : chainToken(test.value!);
  switch (test.operator) {
    case '=':
      return actual === expected;
    case '^=':
      return expected !== '' && actual.startsWith(expected);
    case '$=':
      return expected !== '' && actual.endsWith(expected);
    case '*=':
      return expected !== '' && actual.includes(expected);
    case '~=':
      return actual.split(' ').includes(expected);
  }
}

function compoundMatches(compound: CompoundSelector, element: ChainElement): boolean {
  if (compound.tag !== undefined && compound.tag !== element.tag) return false;
  if (compound.id !== undefined && chainToken(compound.id) !== element.id) return false;
  if (compound.nthOfType !== undefined && compound.nthOfType !== element.nthOfType) return false;
  for (const c of compound.classes) if (!element.classes.includes(chainToken(c))) return false;
  for (const a of compound.attributes) if (!attributeMatches(a, element)) return false;
  return true;
}

/**
 * Right to left, as browsers match: the last compound is the element itself, each earlier one
 * its parent (`>`) or some ancestor (space). Memoized on (compound, element), so backtracking
 * over descendant combinators costs at most compounds x elements x elements steps.
 */
function complexMatches(selector: ComplexSelector, chain: ChainElement[]): boolean {
  const { compounds, combinators } = selector;
  // Each compound needs an element of its own.
  if (chain.length === 0 || compounds.length > chain.length) return false;
  // 0 unknown, 1 no, 2 yes, per (compound, element).
  const memo = new Uint8Array(compounds.length * chain.length);
  const from = (k: number, at: number): boolean => {
    const slot = k * chain.length + at;
    if (memo[slot] !== 0) return memo[slot] === 2;
    let result = false;
    if (compoundMatches(compounds[k]!, chain[at]!)) {
      if (k === 0) result = true;
      else if (combinators[k - 1] === 'child') result = at + 1 < chain.length && from(k - 1, at + 1);
      // An ancestor must leave room for the k compounds still to match above it.
      else for (let j = at + 1; j <= chain.length - k && !result; j++) result = from(k - 1, j);
    }
    memo[slot] = result ? 2 : 1;
    return result;
  };
  return from(compounds.length - 1, 0);
}

export function selectorMatches(list: SelectorList, chain: ChainElement[]): boolean {
  return list.some((selector) => complexMatches(selector, chain));
}
