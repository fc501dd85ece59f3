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
  /**
   * The blocked origin; for a realm refused because no guard could reach it (a frame from a
   * `blob:`, `data:` or `javascript:` URL, a sandboxed srcdoc, a worker the page wrote), the scheme
   * of the code's URL: `blob:`, `data:`, `javascript:`, `about:`.
   */
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
    const web = /^(https?|wss?):$/.test(url.protocol);
    const origin = web ? url.origin : url.protocol;
    const key = `${origin} ${kind} ${page}`;
    if (seen.has(key) || seen.size >= MAX_REPORTS) return;
    seen.add(key);
    send({ origin, kind, page, resource: web ? pathTemplate(`/${url.pathname.split('/')[1] ?? ''}`) : '/' });
  };
}
