/**
 * URLs carry PHI in query strings (?email=, ?dob=), fragments and identifier-like path segments
 * (/patients/48213/results, /visits/10.0.0.7). Only the origin, a path with identifiers replaced by `:id`, and the
 * explicitly kept query parameters survive.
 */
import { phiKind } from './looks-like-phi.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FOUR_DIGITS = /\d{4,}/;
const HEX_TOKEN = /^(?=.*\d)[0-9a-f]{16,}$/i;
const BASE64_TOKEN = /^(?=.*\d)(?=.*[a-z])(?=.*[A-Z])[A-Za-z0-9_+=-]{20,}$/;

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Every identifier pattern needs a digit or an @ (possibly percent-encoded, full-width or in
 * another script): ASCII slugs skip them all; anything non-ASCII is screened.
 */
const MAYBE_IDENTIFIER = /[\d@%]|\P{ASCII}/u;
/** Kept query values longer than this are dropped (a campaign name is short). */
const MAX_KEPT_VALUE = 200;

export function isIdentifierSegment(raw: string): boolean {
  if (!MAYBE_IDENTIFIER.test(raw)) return false;
  const segment = decodeSegment(raw);
  return FOUR_DIGITS.test(segment) || phiKind(segment) !== undefined || UUID.test(segment) || segment.includes('@') || HEX_TOKEN.test(segment) || BASE64_TOKEN.test(segment);
}

/** `/patients/48213/results;jsessionid=x` -> `/patients/:id/results` */
export function sanitizePath(path: string): string {
  const withoutQuery = path.split(/[?#]/, 1)[0] ?? '';
  return withoutQuery
    .split('/')
    .map((segment) => {
      const bare = segment.split(';', 1)[0] ?? '';
      return isIdentifierSegment(bare) ? ':id' : bare;
    })
    .join('/');
}

function keptQuery(params: URLSearchParams, keep: ReadonlySet<string>): string {
  const out = new URLSearchParams();
  for (const [name, value] of params) {
    if (keep.has(name) && value.length <= MAX_KEPT_VALUE && phiKind(value) === undefined) out.append(name, value);
  }
  const s = out.toString();
  return s === '' ? '' : `?${s}`;
}

/** Absolute http(s) URL or a path; anything else (javascript:, data:, garbage) is dropped. */
export function sanitizeUrl(raw: string, keep: ReadonlySet<string>): string | undefined {
  let url: URL;
  let relative = false;
  try {
    url = new URL(raw);
  } catch {
    if (!raw.startsWith('/')) return undefined;
    try {
      url = new URL(raw, 'http://relative.invalid');
      relative = true;
    } catch {
      return undefined;
    }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const rest = sanitizePath(url.pathname) + keptQuery(url.searchParams, keep);
  return relative ? rest : url.origin + rest;
}

/** Referrers reveal where a visitor came from (a search for a condition): origin only. */
export function reduceReferrer(raw: string): string | undefined {
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

export function sanitizeSearch(search: string, keep: ReadonlySet<string>): string {
  return keptQuery(new URLSearchParams(search.startsWith('?') ? search.slice(1) : search), keep);
}
