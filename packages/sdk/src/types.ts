/**
 * The SDK's view of the wire contract (Segment's HTTP Tracking API). The relay's zod schema is
 * the authority; `wire-contract.test.ts` checks at compile time that these types satisfy it.
 */
/**
 * `authorization`: the visitor signed the site's marketing authorization (HIPAA). Set only by
 * the site, never by a default, and denied while Global Privacy Control is on.
 */
export type Category = 'analytics' | 'advertising' | 'functional' | 'authorization';
export type ConsentState = Record<Category, boolean>;
export type Properties = Record<string, unknown>;

export interface PageContext {
  url: string;
  path: string;
  referrer: string;
  title: string;
  search: string;
}

export interface WireContext {
  page: PageContext;
  library: { name: string; version: string };
  userAgent?: string;
  locale?: string;
  timezone?: string;
  sessionId: number;
  consent: { categoryPreferences: ConsentState; gpc?: boolean };
  /** Ad click ids kept from landing URLs (click-ids.ts). */
  clickIds?: Record<string, string>;
  /** Set on events produced by tag shims (gtag, fbq, ...). */
  shim?: string;
  [key: string]: unknown;
}

interface Base {
  messageId: string;
  anonymousId: string;
  userId?: string;
  timestamp: string;
  context: WireContext;
}

export type WireMessage = Base &
  (
    | { type: 'track'; event: string; properties: Properties }
    | { type: 'page'; name?: string; properties: Properties }
    | { type: 'identify'; traits: Properties }
    | { type: 'group'; groupId: string; traits: Properties }
    | { type: 'alias'; previousId: string }
  );

export interface PalisadeOptions {
  writeKey: string;
  /** Relay base URL; default: this page's origin. */
  api?: string | undefined;
  /** Categories granted until the visitor decides (`data-consent-default`). */
  consentDefault?: Category[];
  /** Pageviews, clicks, submits and changes; on unless false. */
  autotrack?: boolean;
  /** Stand-ins for dataLayer, gtag, fbq, ttq, lintrk and uetq; on unless false. */
  shims?: boolean;
  debug?: boolean;
  /** Milliseconds between flushes (1000) and events that trigger one at once (20). */
  flushInterval?: number;
  flushAt?: number;
}

export interface Palisade {
  track(event: string, properties?: Properties): void;
  identify(userId?: string, traits?: Properties): void;
  group(groupId: string, traits?: Properties): void;
  page(name?: string, properties?: Properties): void;
  alias(userId: string, previousId?: string): void;
  reset(): void;
  consent: { set(update: Partial<ConsentState>): void; get(): ConsentState };
  ready(callback: () => void): void;
  /** Sends everything queued now; resolves when the relay answered (or the attempt failed). */
  flush(): Promise<void>;
}
