/**
 * The CSS selector subset an event definition may use, parsed once when the config is loaded.
 * It is matched on the relay against the element chain autotrack sends (never against a DOM), so
 * only what a chain records can be asked for: tag, id, classes, `:nth-of-type(n)`, the attributes
 * `name`, `type`, `role`, `href`, `data-palisade-*` (and `id`/`class` as attributes), with the
 * descendant and child combinators and comma-separated alternatives.
 *
 * A hand-written scanner rather than a regex: each character is read once, so a hostile or
 * mistyped selector costs time linear in its length, and every refusal says where and why.
 */

export type AttributeOperator = '=' | '^=' | '$=' | '*=' | '~=';

export interface AttributeTest {
  name: string;
  /** Absent: the attribute is present, whatever its value. */
  operator?: AttributeOperator;
  value?: string;
}

/** One element's tests: `button#book.primary[type=submit]:nth-of-type(2)`. */
export interface CompoundSelector {
  /** Lower-case tag name; absent for `*` or none. */
  tag?: string;
  id?: string;
  classes: string[];
  attributes: AttributeTest[];
  nthOfType?: number;
}

/** `form#book > button`: compounds left to right; `combinators[i]` joins compound i and i + 1. */
export interface ComplexSelector {
  compounds: CompoundSelector[];
  combinators: Array<'descendant' | 'child'>;
}

export type SelectorList = ComplexSelector[];

export const SELECTOR_LIMITS = { length: 500, alternatives: 16, compounds: 16 } as const;

export class SelectorError extends Error {}

const NAME_CHAR = /[A-Za-z0-9_-]/;

/**
 * What autotrack keeps of an id, class or attribute value: word characters and `-` (its
 * element-chain.ts drops the rest), so a selector is compared in the same alphabet.
 */
export function chainToken(value: string): string {
  return value.replace(/[^\w-]/g, '');
}

export function parseSelector(text: string): SelectorList {
  if (text.length > SELECTOR_LIMITS.length) throw new SelectorError(`longer than ${SELECTOR_LIMITS.length} characters`);
  let i = 0;
  const fail = (what: string): never => {
    throw new SelectorError(i >= text.length ? `${what} at the end` : `${what} at position ${i + 1} ("${text.slice(i, i + 12)}")`);
  };
  const spaces = () => {
    let seen = false;
    while (i < text.length && /\s/.test(text[i]!)) {
      i++;
      seen = true;
    }
    return seen;
  };
  const name = (what: string): string => {
    const start = i;
    while (i < text.length && NAME_CHAR.test(text[i]!)) i++;
    if (i === start) fail(`expected ${what}`);
    return text.slice(start, i);
  };
  const quoted = (): string => {
    const quote = text[i]!;
    const start = ++i;
    while (i < text.length && text[i] !== quote) {
      if (text[i] === '\\') fail('escapes are not supported in values');
      i++;
    }
    if (i >= text.length) fail('unclosed quote');
    return text.slice(start, i++);
  };
  const attribute = (): AttributeTest => {
    i++; // [
    spaces();
    const attr = name('an attribute name').toLowerCase();
    spaces();
    if (text[i] === ']') {
      i++;
      return { name: attr };
    }
    let operator: AttributeOperator | undefined;
    for (const op of ['^=', '$=', '*=', '~=', '='] as const) {
      if (text.startsWith(op, i)) {
        operator = op;
        i += op.length;
        break;
      }
    }
    if (operator === undefined) fail('expected =, ^=, $=, *= or ~= in an attribute test');
    spaces();
    let value: string;
    if (text[i] === '"' || text[i] === "'") value = quoted();
    else {
      const start = i;
      while (i < text.length && text[i] !== ']' && !/\s/.test(text[i]!)) i++;
      value = text.slice(start, i);
    }
    spaces();
    if (text[i] !== ']') fail('expected ]');
    i++;
    return { name: attr, operator: operator!, value };
  };
  const compound = (): CompoundSelector => {
    const out: CompoundSelector = { classes: [], attributes: [] };
    let any = false;
    if (text[i] === '*') {
      i++;
      any = true;
    } else if (i < text.length && /[A-Za-z]/.test(text[i]!)) {
      out.tag = name('a tag name').toLowerCase();
      any = true;
    }
    for (;;) {
      const c = text[i];
      if (c === '#') {
        i++;
        if (out.id !== undefined) fail('a second id');
        out.id = name('an id');
      } else if (c === '.') {
        i++;
        out.classes.push(name('a class name'));
      } else if (c === '[') {
        out.attributes.push(attribute());
      } else if (c === ':') {
        if (!text.startsWith(':nth-of-type(', i)) fail('only :nth-of-type(n) is supported among pseudo-classes');
        i += ':nth-of-type('.length;
        const start = i;
        while (i < text.length && /\d/.test(text[i]!)) i++;
        const n = Number(text.slice(start, i));
        if (i === start || i - start > 4 || n < 1) fail('expected a position such as 1 in :nth-of-type()');
        if (text[i] !== ')') fail('expected )');
        i++;
        out.nthOfType = n;
      } else break;
      any = true;
    }
    if (!any) fail('expected a tag, #id, .class, [attribute] or *');
    return out;
  };

  const list: SelectorList = [];
  spaces();
  for (;;) {
    const complex: ComplexSelector = { compounds: [compound()], combinators: [] };
    for (;;) {
      const sawSpace = spaces();
      const c = text[i];
      if (c === undefined || c === ',') break;
      if (c === '>') {
        i++;
        spaces();
        complex.combinators.push('child');
      } else if (sawSpace) complex.combinators.push('descendant');
      else fail('expected a combinator (space or >)');
      if (text[i] === '+' || text[i] === '~') fail('sibling combinators are not supported');
      complex.compounds.push(compound());
      if (complex.compounds.length > SELECTOR_LIMITS.compounds) fail(`more than ${SELECTOR_LIMITS.compounds} compound selectors`);
    }
    list.push(complex);
    if (list.length > SELECTOR_LIMITS.alternatives) fail(`more than ${SELECTOR_LIMITS.alternatives} alternatives`);
    if (text[i] === undefined) break;
    i++; // ,
    spaces();
  }
  return list;
}

/** The refusal of a selector, or undefined when it is in the subset. */
export function selectorProblem(text: string): string | undefined {
  try {
    parseSelector(text);
    return undefined;
  } catch (error) {
    if (error instanceof SelectorError) return error.message;
    throw error;
  }
}
