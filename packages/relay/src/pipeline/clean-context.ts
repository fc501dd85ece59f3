/**
 * The destination-independent part of a message's context, reduced to what a vendor may see.
 * Every field is untrusted input: a client can put any text in any of them, and
 * `@segment/analytics-next` fills `campaign` from the page's `utm_*` parameters. So nothing is
 * copied as sent:
 *  - page: the URL keeps its origin only when the environment allows that origin (else the path
 *    alone), identifier-like path segments become `:id`, only kept query parameters survive, and
 *    those only when their values pass the PHI screen; the referrer is reduced to its origin, and
 *    dropped when its host looks like an identifier;
 *  - campaign: derived from the kept, screened `utm_*` parameters of the page, never from
 *    `context.campaign`;
 *  - locale: a valid language and optional region (`en-US`), nothing else of the tag;
 *  - timezone: only an IANA zone name the runtime knows (canonicalised);
 *  - library: only a known SDK name (or one the config allowlists) with a version-like version;
 *  - sessionId: only a time within the last 30 days (seconds or milliseconds, as SDKs send it);
 *  - shim: only one of the tag shims the SDK has;
 *  - consent: the categories as booleans, GPC, and a US state only (consent-state.ts);
 *  - user agent: browser family, major version and OS family.
 */
import type { Message } from '@palisade/schema';
import type { CleanContext } from './clean-event.js';
import { consentState } from './consent-state.js';
import { phiKind } from './looks-like-phi.js';
import { reduceUserAgent } from './reduce-user-agent.js';
import { reduceReferrer, sanitizePath, sanitizeSearch, sanitizeUrl } from './sanitize-url.js';

export interface ContextRules {
  /** Query parameters that survive (their values still pass the PHI screen). */
  keepQueryParams: ReadonlySet<string>;
  /** The environment's allowed page origins: a page URL on another origin keeps only its path. */
  pageOrigins: ReadonlySet<string>;
  /** Library names sent as they are besides the known SDKs. */
  libraries: ReadonlySet<string>;
}

/** SDKs that speak the relay's wire format (Segment's HTTP API); what they name themselves. */
export const KNOWN_LIBRARIES = new Set([
  'palisade-sdk',
  'analytics.js', // @segment/analytics-next and analytics.js classic
  'analytics-node-next', // @segment/analytics-node
  '@segment/analytics-node',
  'analytics-node',
  'analytics-python',
  'analytics-ruby',
  'analytics-go',
  'analytics-java',
  'analytics-android',
  'analytics-ios',
  'analytics-kotlin',
  'analytics-swift',
  'RudderLabs JavaScript SDK',
]);
/** `1.84.3`, `npm:next-1.84.3`, `web:2.0.0-beta.1`: a version, possibly prefixed, nothing else. */
const VERSION = /^(?:[a-z]{2,8}:)?(?:[a-z]{2,8}-)?\d{1,4}(?:\.\d{1,6}){0,3}(?:-[a-z0-9]{1,12}(?:\.\d{1,4})?)?$/i;
const SHIMS = new Set(['gtag', 'dataLayer', 'fbq', 'ttq', 'lintrk', 'uetq']);
const UTM: Array<[field: 'source' | 'medium' | 'name', param: string]> = [
  ['source', 'utm_source'],
  ['medium', 'utm_medium'],
  ['name', 'utm_campaign'],
];
const SESSION_MAX_AGE_MS = 30 * 24 * 3_600_000;
const SESSION_MAX_AHEAD_MS = 24 * 3_600_000;

let timeZones: Set<string> | undefined;
function knownTimeZone(raw: string): string | undefined {
  if (raw.length > 64) return undefined;
  timeZones ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC', 'Etc/GMT']);
  let zone: string;
  try {
    // Canonicalises aliases (`Asia/Calcutta` -> `Asia/Kolkata`); throws on anything unknown.
    zone = new Intl.DateTimeFormat('en-US', { timeZone: raw }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  return timeZones.has(zone) ? zone : undefined;
}

/** `en-US`, `pt-br`, `zh-Hant-TW-u-ca-chinese` -> `en-US`, `pt-BR`, `zh-TW`; anything else -> none. */
export function reduceLocale(raw: string): string | undefined {
  if (raw.length > 64) return undefined;
  let locale: Intl.Locale;
  try {
    locale = new Intl.Locale(raw.replace(/_/g, '-'));
  } catch {
    return undefined;
  }
  const language = locale.language;
  if (!/^[a-z]{2,3}$/.test(language) || language === 'und') return undefined;
  const region = locale.region;
  return region !== undefined && /^[A-Z]{2}$/.test(region) ? `${language}-${region}` : language;
}

/** A session id is a session's start time: recent seconds or milliseconds, nothing else. */
export function plausibleSessionId(raw: unknown, receivedMs: number): number | undefined {
  const n = typeof raw === 'string' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0) return undefined;
  const ms = n < 1e11 ? n * 1000 : n;
  return ms >= receivedMs - SESSION_MAX_AGE_MS && ms <= receivedMs + SESSION_MAX_AHEAD_MS ? n : undefined;
}

function library(raw: unknown, rules: ContextRules): CleanContext['library'] {
  if (raw === null || typeof raw !== 'object') return undefined;
  const { name, version } = raw as { name?: unknown; version?: unknown };
  if (typeof name !== 'string' || !(KNOWN_LIBRARIES.has(name) || rules.libraries.has(name))) return undefined;
  return typeof version === 'string' && VERSION.test(version) ? { name, version } : { name };
}

type PageContext = NonNullable<NonNullable<Message['context']>['page']>;

/**
 * Reduces pages and user agents. The events of one batch share their page and browser, so one
 * reducer per request reduces each distinct value once; it lives as long as that request.
 * Its results are shared between events: treat them as read-only.
 */
export class ContextReducer {
  readonly #pages = new Map<string, { page: CleanContext['page']; campaign: CleanContext['campaign'] }>();
  readonly #agents = new Map<string, NonNullable<CleanContext['userAgent']>>();

  constructor(readonly rules: ContextRules) {}

  page(page: PageContext): { page: CleanContext['page']; campaign: CleanContext['campaign'] } {
    const key = `${page.url ?? ''}\n${page.path ?? ''}\n${page.referrer ?? ''}\n${page.search ?? ''}`;
    const known = this.#pages.get(key);
    if (known) return known;
    const keep = this.rules.keepQueryParams;
    const p: NonNullable<CleanContext['page']> = {};
    let query: URLSearchParams | undefined;
    const url = page.url ? sanitizeUrl(page.url, keep) : undefined;
    if (url) {
      const parsed = new URL(url, 'http://relative.invalid');
      const pinned = url.startsWith('/') || this.rules.pageOrigins.has(parsed.origin);
      p.url = pinned ? url : parsed.pathname + parsed.search;
      p.path = parsed.pathname;
      query = parsed.searchParams;
    }
    if (page.path) p.path = sanitizePath(page.path);
    const referrer = page.referrer ? reduceReferrer(page.referrer) : undefined;
    if (referrer && phiKind(new URL(referrer).hostname) === undefined) p.referrer = referrer;
    if (page.search) {
      const search = sanitizeSearch(page.search, keep);
      if (search) {
        p.search = search;
        query ??= new URLSearchParams(search);
      }
    }
    const campaign: NonNullable<CleanContext['campaign']> = {};
    for (const [field, param] of UTM) {
      const value = query?.get(param);
      if (value) campaign[field] = value.slice(0, 100);
    }
    const result = {
      page: Object.keys(p).length > 0 ? p : undefined,
      campaign: Object.keys(campaign).length > 0 ? campaign : undefined,
    };
    this.#pages.set(key, result);
    return result;
  }

  userAgent(ua: string): NonNullable<CleanContext['userAgent']> {
    let reduced = this.#agents.get(ua);
    if (reduced === undefined) {
      reduced = reduceUserAgent(ua);
      this.#agents.set(ua, reduced);
    }
    return reduced;
  }
}

export function cleanContext(message: Message, reducer: ContextReducer, receivedMs: number): CleanContext {
  const raw = message.context ?? {};
  const out: CleanContext = {};
  if (raw.page) {
    const { page, campaign } = reducer.page(raw.page);
    if (page) out.page = page;
    if (campaign) out.campaign = campaign;
  }
  if (typeof raw.userAgent === 'string') out.userAgent = reducer.userAgent(raw.userAgent);
  const locale = typeof raw.locale === 'string' ? reduceLocale(raw.locale) : undefined;
  if (locale) out.locale = locale;
  const timezone = typeof raw.timezone === 'string' ? knownTimeZone(raw.timezone) : undefined;
  if (timezone) out.timezone = timezone;
  const sessionId = plausibleSessionId(raw.sessionId, receivedMs);
  if (sessionId !== undefined) out.sessionId = sessionId;
  const lib = library(raw.library, reducer.rules);
  if (lib) out.library = lib;
  if (typeof raw.shim === 'string' && SHIMS.has(raw.shim)) out.shim = raw.shim;
  const consent = consentState(message);
  if (consent !== undefined) out.consent = consent;
  return out;
}
