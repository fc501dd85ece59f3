/**
 * Blocked attempts, as the site owner's tracker inventory sees them: the blocked origin, the kind
 * of request, the page's path template and the first segment of the blocked path (enough to tell
 * Google Maps from other google.com products). Never a query, never a full path: those can carry
 * PHI. One report per origin, kind and page, and at most MAX_REPORTS per page load, so a script
 * retrying in a loop cannot flood the relay.
 */
import type { RequestKind } from './policy.js';

export interface BlockedRequest {
  origin: string;
  kind: RequestKind;
  /** The page's path with identifier-like segments replaced by `:id`. */
  page: string;
  /** `/` plus the first segment of the blocked URL's path, templated the same way. */
  resource: string;
}

export const MAX_REPORTS = 50;

/** Segments that look like an identifier: 4+ digits, an email, a UUID or a long token. */
const IDENTIFIER = /\d{4}|@|^[0-9a-f-]{16,}$|^[\w-]{24,}$/i;

export function pathTemplate(path: string): string {
  return path.split('/').map((s) => (IDENTIFIER.test(s) ? ':id' : s)).join('/');
}

export function reporter(send: (blocked: BlockedRequest) => void, path: () => string): (url: URL, kind: RequestKind) => void {
  const seen = new Set<string>();
  return (url, kind) => {
    const page = pathTemplate(path());
    const origin = url.origin === 'null' ? `${url.protocol}//${url.host}` : url.origin;
    const key = `${origin} ${kind} ${page}`;
    if (seen.has(key) || seen.size >= MAX_REPORTS) return;
    seen.add(key);
    send({ origin, kind, page, resource: pathTemplate(`/${url.pathname.split('/')[1] ?? ''}`) });
  };
}
