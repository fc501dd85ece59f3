/**
 * A scrubbed description of an element and its ancestors, as one string (so a relay allowlist can
 * allow it like any text): `button#book.primary:nth-of-type(1)[type=submit] < form#appointment < main`.
 * Ids and classes that look like identifiers (digits, @) are left out; hrefs keep their path
 * template only.
 */
import { pathTemplate } from '../path-template.js';

const MAX_DEPTH = 6;
const ATTRS = ['name', 'type', 'role'];
const LOOKS_LIKE_ID = /\d{3,}|@/;

function clean(token: string): string | undefined {
  return token && !LOOKS_LIKE_ID.test(token) ? token.replace(/[^\w-]/g, '') : undefined;
}

function hrefPath(el: Element): string | undefined {
  const href = el.getAttribute('href');
  if (!href) return undefined;
  try {
    const url = new URL(href, location.href);
    return url.origin === location.origin ? pathTemplate(url.pathname) : url.origin;
  } catch {
    return undefined;
  }
}

export function describe(el: Element): string {
  let out = el.tagName.toLowerCase();
  const id = clean(el.id);
  if (id) out += `#${id}`;
  for (const c of Array.from(el.classList).slice(0, 5)) {
    const k = clean(c);
    if (k) out += `.${k}`;
  }
  let nth = 1;
  for (let s = el.previousElementSibling; s; s = s.previousElementSibling) if (s.tagName === el.tagName) nth++;
  out += `:nth-of-type(${nth})`;
  const attrs: string[] = [];
  for (const a of ATTRS) {
    const v = clean(el.getAttribute(a) ?? '');
    if (v) attrs.push(`${a}=${v}`);
  }
  for (const a of Array.from(el.attributes)) {
    if (a.name.startsWith('data-palisade-') && a.name !== 'data-palisade-private') attrs.push(`${a.name}=${clean(a.value) ?? ''}`);
  }
  const href = hrefPath(el);
  if (href) attrs.push(`href=${href}`);
  return out + attrs.map((a) => `[${a}]`).join('');
}

export function elementChain(el: Element): string {
  const parts: string[] = [];
  for (let e: Element | null = el; e && parts.length < MAX_DEPTH && e.tagName !== 'HTML'; e = e.parentElement) parts.push(describe(e));
  return parts.join(' < ');
}
