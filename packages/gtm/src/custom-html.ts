/**
 * Reads vendor calls out of a custom HTML tag without running it: `fbq('init'|'track'|
 * 'trackCustom', ...)`, `ttq.load/track/identify(...)`, `lintrk('track', {conversion_id})`,
 * `_linkedin_partner_id = "..."`, the UET tag id (`ti: "..."`) and `uetq.push(...)`. Arguments
 * are read as JavaScript literals (strings, numbers, booleans, object literals and `{{Variable}}`
 * strings); anything else (an expression, a function call) is recorded as such, for review.
 *
 * A scanner, not a JavaScript engine: each character is read a bounded number of times, so a
 * hostile or huge tag costs linear time, and nothing in it is ever executed.
 */

import { isPrototypeKey } from './parameters.js';

export type Literal = string | number | boolean | null | { [key: string]: Literal } | Literal[] | { expression: true };

export interface VendorCall {
  /** `fbq`, `ttq.track`, `lintrk`, `uetq.push`, ... */
  callee: string;
  args: Literal[];
}

export interface HtmlReading {
  calls: VendorCall[];
  /** `_linkedin_partner_id` and the UET `ti`, when the snippet sets them. */
  linkedinPartnerId?: string;
  uetTagId?: string;
  /** Hosts the tag loads or sends to (script src, img src, fetch/beacon URLs, string URLs). */
  hosts: string[];
}

const CALLEES = ['fbq', 'ttq.track', 'ttq.load', 'ttq.identify', 'ttq.page', 'lintrk', 'window.lintrk', 'uetq.push', 'window.uetq.push'];
const MAX_CALLS = 200;
/** A vendor call's arguments are read from at most this much text after the call: work per tag is bounded. */
const CALL_WINDOW = 8_000;

class Reader {
  i = 0;
  constructor(readonly s: string) {}

  spaces(): void {
    for (;;) {
      while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
      if (this.s.startsWith('//', this.i)) {
        const end = this.s.indexOf('\n', this.i);
        this.i = end < 0 ? this.s.length : end;
      } else if (this.s.startsWith('/*', this.i)) {
        const end = this.s.indexOf('*/', this.i + 2);
        this.i = end < 0 ? this.s.length : end + 2;
      } else return;
    }
  }

  string(): string | undefined {
    const quote = this.s[this.i];
    if (quote !== '"' && quote !== "'" && quote !== '`') return undefined;
    let out = '';
    for (this.i++; this.i < this.s.length; this.i++) {
      const c = this.s[this.i]!;
      if (c === quote) {
        this.i++;
        return out;
      }
      if (c === '\\') {
        this.i++;
        out += this.s[this.i] ?? '';
      } else if (quote === '`' && c === '$' && this.s[this.i + 1] === '{') return undefined;
      else out += c;
      if (out.length > 10_000) return undefined;
    }
    return undefined;
  }

  /** One literal; `{expression: true}` (skipped to the next `,` `)` `}` or `]` at this depth) otherwise. */
  literal(depth = 0): Literal {
    this.spaces();
    const start = this.i;
    const str = this.string();
    if (str !== undefined) return this.endOfValue(str, start);
    this.i = start;
    const c = this.s[this.i];
    if (c === '{' && depth < 8) {
      this.i++;
      const out: Record<string, Literal> = {};
      for (let n = 0; n < 200; n++) {
        this.spaces();
        if (this.s[this.i] === '}') {
          this.i++;
          return this.endOfValue(out, start);
        }
        const key = this.string() ?? this.identifier();
        this.spaces();
        if (key === undefined || this.s[this.i] !== ':') return this.skip();
        this.i++;
        const value = this.literal(depth + 1);
        if (!isPrototypeKey(key)) out[key] = value;
        this.spaces();
        if (this.s[this.i] === ',') this.i++;
      }
      return this.skip();
    }
    if (c === '[' && depth < 8) {
      this.i++;
      const out: Literal[] = [];
      for (let n = 0; n < 200; n++) {
        this.spaces();
        if (this.s[this.i] === ']') {
          this.i++;
          return out;
        }
        out.push(this.literal(depth + 1));
        this.spaces();
        if (this.s[this.i] === ',') this.i++;
      }
      return this.skip();
    }
    const number = /^-?\d+(\.\d+)?/.exec(this.s.slice(this.i, this.i + 40));
    if (number) {
      this.i += number[0].length;
      return this.endOfValue(Number(number[0]), start);
    }
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.s.startsWith(word, this.i) && !/[\w$]/.test(this.s[this.i + word.length] ?? '')) {
        this.i += word.length;
        return this.endOfValue(value, start);
      }
    }
    return this.skip();
  }

  /** A value followed by an operator (`'a' + b`) is an expression, not a literal. */
  endOfValue(value: Literal, start: number): Literal {
    this.spaces();
    const next = this.s[this.i];
    if (next === undefined || next === ',' || next === ')' || next === '}' || next === ']' || next === ';') return value;
    this.i = start;
    return this.skip();
  }

  identifier(): string | undefined {
    const m = /^[A-Za-z_$][\w$]*/.exec(this.s.slice(this.i, this.i + 200));
    if (!m) return undefined;
    this.i += m[0].length;
    return m[0];
  }

  /** Skips an expression to the `,` or closing bracket at its own depth. */
  skip(): Literal {
    let depth = 0;
    // Every step moves forward: a string is skipped from where its reading stopped (ended,
    // unterminated, or at a template's `${`), so the whole skip is linear in what it passes.
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (c === '"' || c === "'" || c === '`') {
        const before = this.i;
        this.string();
        if (this.i === before) this.i++;
        continue;
      }
      if (c === '(' || c === '{' || c === '[') depth++;
      else if (c === ')' || c === '}' || c === ']') {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) break;
      this.i++;
    }
    return { expression: true };
  }

  args(): Literal[] {
    const out: Literal[] = [];
    for (let n = 0; n < 20 && this.i < this.s.length; n++) {
      this.spaces();
      if (this.s[this.i] === ')') {
        this.i++;
        return out;
      }
      out.push(this.literal());
      this.spaces();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== ')') return out;
    }
    return out;
  }
}

function hostsIn(html: string): string[] {
  const hosts = new Set<string>();
  const pattern = /(?:https?:)?\/\/([a-z0-9.-]{1,253}\.[a-z]{2,24})(?=[/:'"?\s)]|$)/gi;
  for (const m of html.matchAll(pattern)) {
    hosts.add(m[1]!.toLowerCase());
    if (hosts.size >= 50) break;
  }
  return [...hosts];
}

/**
 * The JavaScript of a tag without its comments (a commented-out `fbq('track', ...)` is not a call):
 * the bodies of its `<script>` elements, or the whole text when it has none. String-aware, so a
 * URL in a string keeps its `//`.
 */
export function scriptText(html: string): string {
  const bodies: string[] = [];
  const lower = html.toLowerCase();
  let at = 0;
  for (;;) {
    const open = lower.indexOf('<script', at);
    if (open < 0) break;
    const start = lower.indexOf('>', open);
    if (start < 0) break;
    const end = lower.indexOf('</script', start);
    bodies.push(html.slice(start + 1, end < 0 ? html.length : end));
    if (end < 0) break;
    at = end + 8;
  }
  const js = bodies.length > 0 ? bodies.join('\n;\n') : html;
  let out = '';
  let i = 0;
  while (i < js.length) {
    const c = js[i]!;
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < js.length && js[j] !== c && js[j] !== '\n') j += js[j] === '\\' ? 2 : 1;
      out += js.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && js[i + 1] === '/') {
      const end = js.indexOf('\n', i);
      i = end < 0 ? js.length : end;
    } else if (c === '/' && js[i + 1] === '*') {
      const end = js.indexOf('*/', i + 2);
      i = end < 0 ? js.length : end + 2;
      out += ' ';
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

export function readCustomHtml(html: string): HtmlReading {
  const calls: Array<VendorCall & { at: number }> = [];
  const reading: HtmlReading = { calls: [], hosts: hostsIn(html) };
  const js = scriptText(html);
  const partner = /_linkedin_partner_id\s*=\s*["']?(\d{3,15})/.exec(js);
  if (partner) reading.linkedinPartnerId = partner[1]!;
  const uet = /\bti\s*:\s*["'](\d{4,20})["']/.exec(js);
  if (uet) reading.uetTagId = uet[1]!;
  for (const callee of CALLEES) {
    let at = 0;
    for (;;) {
      const found = js.indexOf(`${callee}(`, at);
      if (found < 0 || calls.length >= MAX_CALLS) break;
      at = found + callee.length + 1;
      // `window.fbq(` is found as `fbq(` too; `n.fbq(` or `_fbq(` is not the call.
      const before = js[found - 1] ?? '';
      if (/[\w$]/.test(before) || (before === '.' && !js.slice(Math.max(0, found - 7), found).endsWith('window.'))) continue;
      if (callee.startsWith('window.')) continue; // read through the plain name above
      const reader = new Reader(js.slice(at, at + CALL_WINDOW));
      calls.push({ callee, args: reader.args(), at: found });
    }
  }
  // Calls in the order they appear: init before track.
  reading.calls = calls.sort((a, b) => a.at - b.at).map(({ callee, args }) => ({ callee, args }));
  return reading;
}

export function isExpression(value: Literal | undefined): value is { expression: true } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as { expression?: unknown }).expression === true;
}
