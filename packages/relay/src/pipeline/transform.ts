/**
 * transform(message, destination, ctx) -> { event } | { dropped }
 *
 * The single place where a raw message becomes what one destination may receive. Pure: the
 * result depends only on the arguments (the masking functions live in ctx), which is what lets
 * the property-based tests prove that nothing outside the allowlist leaves.
 *
 * The work that does not depend on the destination (the context's reduction, clean-context.ts,
 * and clock correction) is done once per message by `prepareMessage`; `admit` and
 * `buildCleanEvent` add the destination's consent, allowlists and masks. Production runs these
 * through `toOutbox` (pipeline/fan-out.ts) for a whole request; `transform` is one message.
 */
import type { Allowlist, DestinationConfig, Message } from '@palisade/schema';
import { applyAllowlist, type AllowlistResult, type CleanObject } from './allowlist.js';
import { cleanContext, ContextReducer, type ContextRules } from './clean-context.js';
import type { CleanContext, CleanEvent } from './clean-event.js';
import type { MaskFn } from './hmac-mask.js';
import { entitledIdentifiers, type IdentifierMemo, type IdentifierSupport, newIdentifierMemo } from './identifiers.js';
import { phiKind } from './looks-like-phi.js';
import { screenedUserAgent } from './reduce-user-agent.js';

/** What the config says about values and context, for one environment. */
export interface PrivacyRules extends ContextRules {
  /** Country calling code for phone numbers written without one (contact hashes only). */
  phoneCountryCode: string;
  /** Longest string forwarded, in characters, unless the property has its own limit. */
  maxValueLength: number;
  /** Per property path. */
  maxValueLengths: Readonly<Record<string, number>>;
}

export interface PipelineContext {
  environment: string;
  rules: PrivacyRules;
  /** HMAC mask with this destination's key. */
  mask: MaskFn;
  /** Per-destination opaque event id from the message id. */
  eventId: (messageId: string) => string;
  /** Server time of receipt (ISO). */
  receivedAt: string;
  /** What the destination's vendor takes beyond masked ids (its connector's declaration). */
  identifiers?: IdentifierSupport;
}

export type TransformResult = { event: CleanEvent } | { dropped: DropReason };

export type DropReason = 'destination disabled' | 'consent not granted' | 'environment not allowed' | 'event not allowed';

/** The allowlist name of each message type: track uses its own event name. */
export function allowlistName(message: Message): string {
  switch (message.type) {
    case 'track':
      return message.event;
    case 'page':
      return '$pageview';
    case 'screen':
      return '$screen';
    case 'identify':
      return '$identify';
    case 'group':
      return '$group';
    case 'alias':
      return '$alias';
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

/**
 * Client clocks are wrong; correct the timestamp by the skew between sentAt and receipt. The
 * result lies between the Unix epoch and receipt, whatever the client sent (a timestamp near the
 * end of the Date range with a sentAt far in the future must not make an invalid date).
 */
export function correctedTimestamp(message: Message, receivedAt: string, receivedMs = Date.parse(receivedAt)): string {
  if (message.timestamp === undefined) return receivedAt;
  const ts = Date.parse(message.timestamp);
  const sent = message.sentAt === undefined ? receivedMs : Date.parse(message.sentAt);
  const corrected = ts + (receivedMs - sent);
  if (!Number.isFinite(corrected) || corrected >= receivedMs) return receivedAt;
  return new Date(Math.max(0, corrected)).toISOString();
}

function consentGranted(message: Message, category: DestinationConfig['consent']): boolean {
  if (category === 'none') return true;
  const consent = message.context?.consent;
  // GPC is an opt-out of sale and sharing: no advertising destination, whatever else is set.
  if (category === 'advertising' && consent?.gpc === true) return false;
  const preferences = consent?.categoryPreferences;
  // No consent information: a server-side source, responsible for its own lawful basis.
  if (preferences === undefined) return true;
  return preferences[category] === true;
}

/** What every destination shares of one message. Holds raw values: memory only, never stored. */
export interface PreparedMessage {
  message: Message;
  /** The allowlist name (`Appointment Booked`, `$pageview`, ...). */
  name: string;
  timestamp: string;
  context: CleanContext;
  /** Click ids and contact hashes, made once for all destinations (identifiers.ts). */
  identifiers: IdentifierMemo;
}

export function prepareMessage(
  message: Message,
  shared: Pick<PipelineContext, 'rules' | 'receivedAt'>,
  name = allowlistName(message),
  receivedMs = Date.parse(shared.receivedAt),
  reducer = new ContextReducer(shared.rules),
): PreparedMessage {
  return {
    message,
    name,
    timestamp: correctedTimestamp(message, shared.receivedAt, receivedMs),
    context: cleanContext(message, reducer, receivedMs),
    identifiers: newIdentifierMemo(),
  };
}

/** One message for one destination, in one call (what `toOutbox` does for a whole request). */
export function transform(message: Message, destination: DestinationConfig, ctx: PipelineContext): TransformResult {
  const prepared = prepareMessage(message, ctx);
  const admission = admit(message, allowlistKey(message, prepared.name), destination, ctx.environment);
  if ('dropped' in admission) return admission;
  return { event: buildCleanEvent(prepared, destination, admission.allow, ctx).event };
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

/** A free-text field a destination may take (a page title): limited, and screened in HIPAA mode. */
function freeText(value: string | undefined, max: number, screen: boolean): string | undefined {
  if (!value || value.length > max) return undefined;
  return screen && phiKind(value) !== undefined ? undefined : value;
}

/**
 * The destination's allowlists and masks applied to an admitted message. `refused` names the
 * allowed paths whose values were not forwarded, with the reason (for metrics; never values).
 */
export function buildCleanEvent(
  prepared: PreparedMessage,
  destination: DestinationConfig,
  allow: Allowlist,
  ctx: PipelineContext,
): { event: CleanEvent; refused: AllowlistResult['refused']; masked: string[] } {
  const { message, name } = prepared;
  const { rules } = ctx;
  const screen = destination.hipaa.enabled;
  const options = { mask: ctx.mask, screenValues: screen, maxLength: (path: string) => rules.maxValueLengths[path] ?? rules.maxValueLength };
  let result: AllowlistResult = { properties: {}, refused: [], masked: [] };
  if (message.type === 'track' || message.type === 'page' || message.type === 'screen') {
    result = applyAllowlist(message.properties, allow.eventProperties, options);
  } else if (message.type === 'identify') {
    result = applyAllowlist(message.traits, allow.userProperties, options);
  } else if (message.type === 'group') {
    result = applyAllowlist(message.traits, allow.groupProperties, options);
  }
  const isTraits = message.type === 'identify' || message.type === 'group';
  const properties: CleanObject = isTraits ? {} : result.properties;
  const traits: CleanObject = isTraits ? result.properties : {};

  const context: CleanContext = { ...prepared.context };
  const title = allow.pageTitle ? freeText(message.context?.page?.title, 300, screen) : undefined;
  if (title) context.page = { ...context.page, title };
  // Without HIPAA mode (a BAA is recorded) the full user agent may go where the allowlist asks for
  // it, screened like every context field (a client can put any text in it); the IP never goes.
  const rawAgent = message.context?.userAgent;
  const userAgent = screen || !allow.userAgent || rawAgent === undefined ? undefined : screenedUserAgent(rawAgent, (text) => phiKind(text) !== undefined);
  if (userAgent) context.userAgentFull = userAgent;

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
  const pageName = (message.type === 'page' || message.type === 'screen') && allow.pageTitle ? freeText(message.name, 200, screen) : undefined;
  if (pageName) event.name = pageName;
  const identifiers = entitledIdentifiers(message, context.consent, destination.identifiers, ctx.identifiers, rules.phoneCountryCode, prepared.identifiers);
  if (identifiers !== undefined) event.identifiers = identifiers;
  return { event, refused: result.refused, masked: result.masked };
}
