/**
 * What an outbox row holds: one destination's clean event (allowlisted, screened and masked at
 * ingest, so promise 4 holds for everything at rest), with what delivery needs to check it again.
 *
 * The vendor format is made at delivery time, so a changed mapping applies to queued rows and to
 * dead letters on replay. And every event is checked again against today's policy before it is
 * sent (`recheck`): an event or property removed from the allowlist since ingest is not sent, a
 * property now masked is masked, a page title or full user agent no longer allowed is dropped,
 * and in HIPAA mode values are screened again. Delivery never sends more than the policy allows
 * now.
 */
import type { DestinationConfig } from '@palisade/schema';
import type { CleanObject, CleanValue, JsonPrimitive } from './allowlist.js';
import type { CleanEvent } from './clean-event.js';
import type { ConsentState } from './consent-state.js';
import type { MaskFn } from './hmac-mask.js';
import { recheckIdentifiers } from './identifiers.js';
import { phiKind } from './looks-like-phi.js';

export const STORED_EVENT_VERSION = 1;

export interface StoredEvent {
  v: typeof STORED_EVENT_VERSION;
  /** The environment whose allowlist admitted the event. */
  env: string;
  /** The allowlist entry that admitted it (`Appointment Booked`, `fbq:Lead`, `$pageview`). */
  key: string;
  /** Property or trait paths that were masked at ingest (their stored values are masks). */
  masked: string[];
  /** Values passed the PHI screen at ingest (HIPAA mode was on): no need to screen them again. */
  screened?: boolean;
  event: CleanEvent;
}

export function isStoredEvent(value: unknown): value is StoredEvent {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Partial<StoredEvent>;
  return v.v === STORED_EVENT_VERSION && typeof v.env === 'string' && typeof v.key === 'string' && Array.isArray(v.masked) && v.event !== null && typeof v.event === 'object';
}

export type RecheckResult = { event: CleanEvent } | { dropped: string };

/** The ingest rule again, on the stored consent: events without consent (server-side sources) pass. */
function consentAllows(consent: ConsentState | undefined, category: DestinationConfig['consent']): boolean {
  if (category === 'none' || consent === undefined) return true;
  if (category === 'advertising' && consent.gpc) return false;
  return consent.categoriesUnknown === true || consent[category] === true;
}

function rulesFor(event: CleanEvent, allow: DestinationConfig['allow'][string]) {
  if (event.type === 'identify') return allow.userProperties;
  if (event.type === 'group') return allow.groupProperties;
  return allow.eventProperties;
}

function maskLeaf(value: CleanValue, mask: MaskFn): CleanValue {
  if (Array.isArray(value)) return value.map((v) => (v === null ? null : mask(v)));
  if (value === null || typeof value === 'object') return value;
  return mask(value);
}

function screenedLeaf(value: CleanValue): boolean {
  const values: JsonPrimitive[] = Array.isArray(value) ? value : [value as JsonPrimitive];
  return values.every((v) => typeof v !== 'string' || phiKind(v) === undefined);
}

/** Today's rules over a stored object: leaves whose path the allowlist no longer names are dropped. */
function recheckObject(object: CleanObject, prefix: string, rules: Readonly<Record<string, 'allow' | 'mask'>>, masked: Set<string>, mask: MaskFn, screen: boolean): CleanObject {
  const out: CleanObject = {};
  for (const [key, value] of Object.entries(object)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const inner = recheckObject(value, path, rules, masked, mask, screen);
      if (Object.keys(inner).length > 0) out[key] = inner;
      continue;
    }
    const rule = Object.hasOwn(rules, path) ? rules[path] : undefined;
    if (rule === undefined) continue;
    if (masked.has(path)) out[key] = value;
    else if (rule === 'mask') out[key] = maskLeaf(value, mask);
    else if (!screen || screenedLeaf(value)) out[key] = value;
  }
  return out;
}

/** A stored event under the destination's policy as it is now. Pure. */
export function recheck(stored: StoredEvent, destination: DestinationConfig, mask: MaskFn): RecheckResult {
  const allow = Object.hasOwn(destination.allow, stored.env) ? destination.allow[stored.env] : undefined;
  if (allow === undefined) return { dropped: 'environment no longer allowed' };
  if (!allow.events.includes(stored.key)) return { dropped: 'event no longer allowed' };
  // The visitor's consent, as stored with the event, under the destination's category as it is now.
  if (!consentAllows(stored.event.context.consent, destination.consent)) return { dropped: 'consent not granted for this destination now' };
  // Values stored under a BAA (unscreened) are screened now if HIPAA mode is back on.
  const screen = destination.hipaa.enabled && stored.screened !== true;
  const masked = new Set(stored.masked);
  const rules = rulesFor(stored.event, allow);
  const event: CleanEvent = {
    ...stored.event,
    properties: recheckObject(stored.event.properties, '', rules, masked, mask, screen),
    traits: recheckObject(stored.event.traits, '', rules, masked, mask, screen),
    context: { ...stored.event.context },
  };
  // Titles and page names: dropped when no longer allowed, screened again like values.
  if (!allow.pageTitle || (screen && event.name !== undefined && phiKind(event.name) !== undefined)) delete event.name;
  const title = event.context.page?.title;
  if (title !== undefined && (!allow.pageTitle || (screen && phiKind(title) !== undefined))) {
    const { title: _title, ...page } = event.context.page!;
    event.context.page = page;
  }
  if (destination.hipaa.enabled || !allow.userAgent) delete event.context.userAgentFull;
  // Click ids and contact hashes only while the destination still opts into them.
  const identifiers = recheckIdentifiers(event.identifiers, destination.identifiers);
  if (identifiers === undefined) delete event.identifiers;
  else event.identifiers = identifiers;
  return { event };
}
