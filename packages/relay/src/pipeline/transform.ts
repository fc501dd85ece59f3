/**
 * transform(message, destination, ctx) -> { event } | { dropped }
 *
 * The single place where a raw message becomes what one destination may receive. Pure: the
 * result depends only on the arguments (the masking functions live in ctx), which is what lets
 * the property-based tests prove that nothing outside the allowlist leaves.
 *
 * The work that does not depend on the destination (URL, referrer and user-agent reduction,
 * clock correction) is done once per message by `prepareMessage`; `admit` and `buildCleanEvent`
 * add the destination's consent, allowlists and masks. `transform` is all of it in one call.
 */
import type { Allowlist, DestinationConfig, Message } from '@palisade/schema';
import { applyAllowlist, type CleanObject } from './allowlist.js';
import type { CleanContext, CleanEvent } from './clean-event.js';
import type { MaskFn } from './hmac-mask.js';
import { reduceReferrer, sanitizePath, sanitizeSearch, sanitizeUrl } from './sanitize-url.js';
import { reduceUserAgent } from './reduce-user-agent.js';

export interface PipelineContext {
  environment: string;
  keepQueryParams: ReadonlySet<string>;
  /** HMAC mask with this destination's key. */
  mask: MaskFn;
  /** Per-destination opaque event id from the message id. */
  eventId: (messageId: string) => string;
  /** Server time of receipt (ISO). */
  receivedAt: string;
}

export type TransformResult = { event: CleanEvent } | { dropped: DropReason };

export type DropReason =
  | 'destination disabled'
  | 'consent not granted'
  | 'environment not allowed'
  | 'event not allowed';

/** The allowlist name of each message type: track uses its own event name. */
export function allowlistName(message: Message): string {
  switch (message.type) {
    case 'track': return message.event;
    case 'page': return '$pageview';
    case 'screen': return '$screen';
    case 'identify': return '$identify';
    case 'group': return '$group';
    case 'alias': return '$alias';
  }
}

/**
 * The allowlist entry that admits a message. An event a tag shim produced (the page's own
 * `fbq('track', 'Lead')`, `gtag('event', ...)`, `dataLayer.push(...)`) is named with its shim
 * first, `fbq:Lead`: a destination that allows `Lead` receives the site's own `Lead` events, not
 * whatever the page's vendor snippets push under that name, and a Meta destination can take
 * `fbq:Lead` while GA4 takes `gtag:generate_lead`. What the vendor receives is the plain name.
 */
export function allowlistKey(message: Message, name: string): string {
  const shim = message.context?.shim;
  return shim === undefined ? name : `${shim}:${name}`;
}

/** Client clocks are wrong; correct the timestamp by the skew between sentAt and receipt. */
export function correctedTimestamp(message: Message, receivedAt: string, receivedMs = Date.parse(receivedAt)): string {
  if (message.timestamp === undefined) return receivedAt;
  const ts = Date.parse(message.timestamp);
  const skew = message.sentAt === undefined ? 0 : receivedMs - Date.parse(message.sentAt);
  return ts + skew >= receivedMs ? receivedAt : new Date(ts + skew).toISOString();
}

function consentGranted(message: Message, category: DestinationConfig['consent']): boolean {
  if (category === 'none') return true;
  const preferences = message.context?.consent?.categoryPreferences;
  // No consent information: a server-side source, responsible for its own lawful basis.
  if (preferences === undefined) return true;
  return preferences[category] === true;
}

function string(v: unknown, max: number): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v.slice(0, max) : undefined;
}

type PageContext = NonNullable<Message['context']>['page'];

/**
 * Reduces pages and user agents. The events of one batch share their page and browser, so one
 * reducer per request reduces each distinct value once; it lives as long as that request.
 * Its results are shared between events: treat them as read-only.
 */
export class ContextReducer {
  readonly #pages = new Map<string, CleanContext['page']>();
  readonly #agents = new Map<string, NonNullable<CleanContext['userAgent']>>();

  constructor(readonly keepQueryParams: ReadonlySet<string>) {}

  page(page: NonNullable<PageContext>): CleanContext['page'] {
    const key = `${page.url ?? ''}\n${page.path ?? ''}\n${page.referrer ?? ''}\n${page.search ?? ''}`;
    if (this.#pages.has(key)) return this.#pages.get(key);
    const p: NonNullable<CleanContext['page']> = {};
    const url = page.url ? sanitizeUrl(page.url, this.keepQueryParams) : undefined;
    if (url) p.url = url;
    if (page.path) p.path = sanitizePath(page.path);
    else if (url) p.path = sanitizePath(new URL(url, 'http://relative.invalid').pathname);
    const referrer = page.referrer ? reduceReferrer(page.referrer) : undefined;
    if (referrer) p.referrer = referrer;
    if (page.search) {
      const search = sanitizeSearch(page.search, this.keepQueryParams);
      if (search) p.search = search;
    }
    const result = Object.keys(p).length > 0 ? p : undefined;
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

/** The destination-independent part of a message's context, already reduced. */
function cleanContext(message: Message, reducer: ContextReducer): CleanContext {
  const raw = message.context ?? {};
  const out: CleanContext = {};
  if (raw.page) {
    const page = reducer.page(raw.page);
    if (page) out.page = page;
  }
  if (raw.userAgent) out.userAgent = reducer.userAgent(raw.userAgent);
  const locale = string(raw.locale, 35);
  if (locale && /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$/.test(locale)) out.locale = locale;
  const timezone = string(raw.timezone, 64);
  if (timezone && /^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+){0,2}$/.test(timezone)) out.timezone = timezone;
  if (raw.sessionId !== undefined) out.sessionId = Number(raw.sessionId);
  if (raw.library && typeof raw.library.name === 'string') {
    out.library = { name: raw.library.name.slice(0, 64) };
    if (typeof raw.library.version === 'string') out.library.version = raw.library.version.slice(0, 32);
  }
  if (raw.campaign) {
    const campaign: NonNullable<CleanContext['campaign']> = {};
    for (const [field, param] of [['source', 'utm_source'], ['medium', 'utm_medium'], ['name', 'utm_campaign']] as const) {
      const value = string(raw.campaign[field], 100);
      if (value && reducer.keepQueryParams.has(param)) campaign[field] = value;
    }
    if (Object.keys(campaign).length > 0) out.campaign = campaign;
  }
  if (raw.shim) out.shim = raw.shim.slice(0, 32);
  return out;
}

/** What every destination shares of one message. Holds raw values: memory only, never stored. */
export interface PreparedMessage {
  message: Message;
  /** The allowlist name (`Appointment Booked`, `$pageview`, ...). */
  name: string;
  timestamp: string;
  context: CleanContext;
}

export function prepareMessage(
  message: Message,
  shared: Pick<PipelineContext, 'keepQueryParams' | 'receivedAt'>,
  name = allowlistName(message),
  receivedMs = Date.parse(shared.receivedAt),
  reducer = new ContextReducer(shared.keepQueryParams),
): PreparedMessage {
  return {
    message,
    name,
    timestamp: correctedTimestamp(message, shared.receivedAt, receivedMs),
    context: cleanContext(message, reducer),
  };
}

export function transform(message: Message, destination: DestinationConfig, ctx: PipelineContext): TransformResult {
  const prepared = prepareMessage(message, ctx);
  const admission = admit(message, allowlistKey(message, prepared.name), destination, ctx.environment);
  return 'dropped' in admission ? admission : buildCleanEvent(prepared, destination, admission.allow, ctx);
}

export type Admission = { allow: Allowlist } | { dropped: DropReason };

/**
 * Whether a destination takes this message at all: enabled, consented, environment, and its
 * allowlist entry (`key`, from `allowlistKey`: the same for every destination).
 */
export function admit(message: Message, key: string, destination: DestinationConfig, environment: string): Admission {
  if (!destination.enabled) return { dropped: 'destination disabled' };
  if (!consentGranted(message, destination.consent)) return { dropped: 'consent not granted' };
  const allow = destination.allow[environment];
  if (allow === undefined) return { dropped: 'environment not allowed' };
  if (!allow.events.includes(key)) return { dropped: 'event not allowed' };
  return { allow };
}

/** The destination's allowlists and masks applied to an admitted message. */
export function buildCleanEvent(prepared: PreparedMessage, destination: DestinationConfig, allow: Allowlist, ctx: PipelineContext): { event: CleanEvent } {
  const { message, name } = prepared;
  const options = { mask: ctx.mask, screenValues: destination.hipaa.enabled };
  let properties: CleanObject = {};
  let traits: CleanObject = {};
  if (message.type === 'track' || message.type === 'page' || message.type === 'screen') {
    properties = applyAllowlist(message.properties, allow.eventProperties, options).properties;
  } else if (message.type === 'identify') {
    traits = applyAllowlist(message.traits, allow.userProperties, options).properties;
  } else if (message.type === 'group') {
    traits = applyAllowlist(message.traits, allow.groupProperties, options).properties;
  }

  const context: CleanContext = { ...prepared.context };
  const title = message.context?.page?.title;
  if (allow.pageTitle && title) context.page = { ...context.page, title: title.slice(0, 300) };
  if (!destination.hipaa.enabled && message.context?.userAgent) context.userAgentFull = message.context.userAgent;

  const event: CleanEvent = {
    eventId: ctx.eventId(message.messageId ?? ''),
    type: message.type,
    event: name,
    timestamp: prepared.timestamp,
    properties,
    traits,
    context,
  };
  // Identifiers are always masked: a BAA permits more properties, never raw ids to a vendor.
  if (message.userId !== undefined) event.userId = ctx.mask(message.userId);
  if (message.anonymousId !== undefined) event.anonymousId = ctx.mask(message.anonymousId);
  if (message.type === 'group') event.groupId = ctx.mask(message.groupId);
  if (message.type === 'alias') event.previousId = ctx.mask(message.previousId);
  if ((message.type === 'page' || message.type === 'screen') && allow.pageTitle && message.name) {
    event.name = message.name.slice(0, 200);
  }
  return { event };
}
