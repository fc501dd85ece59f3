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

/** A link's target: its path template on this site, its origin elsewhere ('' when unparseable). */
function hrefPath(el: Element): string | undefined {
  const link = el as HTMLAnchorElement; // <a> and <area> parse their own href
  if (typeof link.href !== 'string' || !link.href) return undefined;
  return link.origin === location.origin ? pathTemplate(link.pathname) : link.origin;
}

export function describe(el: Element): string {
  let out = el.localName;
  const id = clean(el.id);
  if (id) out += `#${id}`;
  for (const c of [...el.classList].slice(0, 5)) {
    const k = clean(c);
    if (k) out += `.${k}`;
  }
  let nth = 1;
  for (let s = el.previousElementSibling; s; s = s.previousElementSibling) if (s.localName === el.localName) nth++;
  out += `:nth-of-type(${nth})`;
  for (const a of ATTRS) {
    const v = clean(el.getAttribute(a) ?? '');
    if (v) out += `[${a}=${v}]`;
  }
  for (const a of el.attributes) {
    if (a.name.startsWith('data-palisade-') && a.name !== 'data-palisade-private') out += `[${a.name}=${clean(a.value) ?? ''}]`;
  }
  const href = hrefPath(el);
  return href ? `${out}[href=${href}]` : out;
}

export function elementChain(el: Element): string {
  const parts: string[] = [];
  for (let e: Element | null = el; e && parts.length < MAX_DEPTH && e.localName !== 'html'; e = e.parentElement) parts.push(describe(e));
  return parts.join(' < ');
}
