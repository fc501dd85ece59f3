/**
 * Which origins a page may contact: its own, the relay's and the ones the site owner allowed.
 * Only http(s) and ws(s) URLs reach another party; data:, blob:, about: and javascript: URLs do
 * not leave the browser. A WebSocket is judged by the http(s) origin of its host.
 */
export type RequestKind = 'script' | 'image' | 'frame' | 'link' | 'media' | 'object' | 'form' | 'connect';

export interface GuardPolicy {
  /** Origins any request may go to, besides the page's own. */
  allow: string[];
  /** Origins that may also be framed (a video or map embed). */
  embeds: string[];
}

/** The blocked URL, or undefined when the request may go. */
export type Judge = (url: string, base: string, kind: RequestKind) => URL | undefined;

/**
 * The relay's browser policy (csp/browser-policy.ts), which the CSP enforces too: frames only the
 * page's own origin and the embeds; forms and plugins only the page's own origin; everything
 * else the page, the relay and the allowed origins.
 */
export function judge(pageOrigin: string, policy: GuardPolicy): Judge {
  const ok = new Set([pageOrigin, ...policy.allow]);
  const okFrame = new Set([pageOrigin, ...policy.embeds]);
  const own = new Set([pageOrigin]);
  // Taken now, before any page script: a page that replaces URL, or its getters, later cannot
  // change the verdict.
  const Url = URL;
  const protocolOf = Object.getOwnPropertyDescriptor(Url.prototype, 'protocol')!.get!;
  const originOf = Object.getOwnPropertyDescriptor(Url.prototype, 'origin')!.get!;
  return (url, base, kind) => {
    let u: URL;
    try {
      u = new Url(url, base);
    } catch {
      return undefined; // the browser cannot request what it cannot parse
    }
    if (!/^(http|ws)s?:$/.test(protocolOf.call(u))) return undefined;
    // ws(s) and http(s) share default ports, so the origins differ only in the scheme's name.
    const origin = (originOf.call(u) as string).replace(/^ws/, 'http');
    const allowed = kind === 'frame' ? okFrame : kind === 'form' || kind === 'object' ? own : ok;
    return allowed.has(origin) ? undefined : u;
  };
}

/** Origins listed in `data-allow-origins` (space or comma separated); malformed ones are ignored. */
export function parseOrigins(list: string | undefined): string[] {
  const out: string[] = [];
  for (const item of (list ?? '').split(/[\s,]+/)) {
    try {
      if (item) out.push(new URL(item).origin);
    } catch {
      // not an origin
    }
  }
  return out;
}
