/**
 * Fields every ad platform connector places in its own way, read from a mapped event the same
 * way for all of them: the event time, a user agent reduced to browser, version and OS, the
 * page URL (already reduced by the pipeline), a conversion value and currency, and the custom
 * parameters. Pure.
 */
import type { CleanValue } from '../pipeline/allowlist.js';
import type { CleanEvent } from '../pipeline/clean-event.js';
import type { FormatResult } from './connector.js';
import type { MappedEvent } from './mapping.js';

export const DAY_MS = 24 * 3_600_000;

export function eventMs(event: CleanEvent): number {
  return Date.parse(event.timestamp);
}

/** Why an event is too old for a vendor that refuses events older than `days`; undefined when it is not. */
export function tooOld(event: CleanEvent, now: number, days: number, vendor: string): string | undefined {
  return now - eventMs(event) > days * DAY_MS ? `older than the ${days} days ${vendor} accepts` : undefined;
}

/**
 * `Mozilla/5.0 (Windows) Chrome/120`: the reduced user agent in the form vendors parse. The full
 * one only where the pipeline kept it (HIPAA mode off under a BAA, and allowed).
 */
export function reducedAgent(event: CleanEvent): string | undefined {
  if (event.context.userAgentFull !== undefined) return event.context.userAgentFull;
  const ua = event.context.userAgent;
  if (ua === undefined) return undefined;
  const browser = ua.browser.replace(/\s+/g, '');
  return `Mozilla/5.0 (${ua.os})${ua.browserMajor === undefined ? '' : ` ${browser}/${ua.browserMajor}`}`;
}

/** The page URL when it is absolute (the pipeline keeps the origin only for the environment's own). */
export function absolutePageUrl(event: CleanEvent): string | undefined {
  const url = event.context.page?.url;
  return url !== undefined && /^https?:\/\//.test(url) ? url : undefined;
}

/** `value` and `currency` parameters, when they are a number and an ISO 4217 code. */
export function conversionValue(params: Record<string, CleanValue>): { value?: number; currency?: string } {
  const out: { value?: number; currency?: string } = {};
  const value = typeof params.value === 'string' ? Number(params.value) : params.value;
  if (typeof value === 'number' && Number.isFinite(value)) out.value = value;
  if (typeof params.currency === 'string' && /^[A-Za-z]{3}$/.test(params.currency)) out.currency = params.currency.toUpperCase();
  return out;
}

/**
 * Scalar parameters (arrays of scalars kept) for custom data fields, a nested property under its
 * path with underscores (`appointment.type` -> `appointment_type`), as GA4 names them too.
 */
export function flatParams(mapped: MappedEvent): Record<string, string | number | boolean | Array<string | number | boolean>> {
  const out: Record<string, string | number | boolean | Array<string | number | boolean>> = {};
  for (const [key, value] of Object.entries(mapped.params)) {
    if (value === null) continue;
    const name = key.replace(/\./g, '_');
    if (Array.isArray(value)) out[name] = value.filter((v) => v !== null);
    else if (typeof value !== 'object') out[name] = value;
  }
  return out;
}

/** The masked id a vendor may use as its external id (class A): the user id, else the anonymous id. */
export function maskedId(event: CleanEvent): string | undefined {
  return event.userId ?? event.anonymousId;
}

/** Vendor event names: letters, digits, spaces and `_ -`, at most `max` characters; undefined when nothing is left. */
export function vendorEventName(name: string, max = 50): string | undefined {
  const clean = name
    .replace(/[^A-Za-z0-9 _-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max)
    .trim();
  return clean === '' ? undefined : clean;
}

/**
 * What every web-event ad platform (Meta, TikTok, Microsoft) checks first: a track, page or
 * screen call, not older than the vendor's window, with a masked id for its external id.
 */
export function webEventBasics(mapped: MappedEvent, now: number, vendor: string, maxDays: number): { id: string } | Extract<FormatResult<never>, { dropped: string }> {
  const { event } = mapped;
  if (event.type === 'identify' || event.type === 'group' || event.type === 'alias') return { dropped: `${vendor} takes no ${event.type} calls` };
  const old = tooOld(event, now, maxDays, vendor);
  if (old !== undefined) return { dropped: old };
  const id = maskedId(event);
  return id === undefined ? { dropped: 'no masked id for the external id' } : { id };
}
