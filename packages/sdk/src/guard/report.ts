/**
 * Blocked attempts, as the site owner's tracker inventory sees them: the blocked origin, the kind
 * of request, the page's path template and the first segment of the blocked path (enough to tell
 * Google Maps from other google.com products). Never a query, never a full path: those can carry
 * PHI. One report per origin, kind and page, and at most MAX_REPORTS per page load, so a script
 * retrying in a loop cannot flood the relay.
 */
import { pathTemplate } from '../path-template.js';
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

export function reporter(send: (blocked: BlockedRequest) => void, path: () => string): (url: URL, kind: RequestKind) => void {
  const seen = new Set<string>();
  return (url, kind) => {
    const page = pathTemplate(path());
    const origin = url.origin; // http(s) or ws(s): the only URLs the guard blocks
    const key = `${origin} ${kind} ${page}`;
    if (seen.has(key) || seen.size >= MAX_REPORTS) return;
    seen.add(key);
    send({ origin, kind, page, resource: pathTemplate(`/${url.pathname.split('/')[1] ?? ''}`) });
  };
}
