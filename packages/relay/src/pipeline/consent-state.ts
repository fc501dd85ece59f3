/**
 * The visitor's consent as the relay reads it from a message: the categories the site's consent
 * banner set, the browser's Global Privacy Control signal, and the visitor's US state where the
 * site passes it. Destination-independent; the consent compiler (destinations/consent-fields.ts)
 * turns it into each vendor's own fields.
 *
 * `authorization` is a patient's signed marketing authorization (45 CFR 164.508): it is only
 * ever true when the site set it, it is never implied by another category, and GPC denies it.
 * GPC also denies advertising, whatever the page claims (the SDK does the same in the browser;
 * the relay does not rely on it).
 */
import type { Message } from '@palisade/schema';

export interface ConsentState {
  /** undefined: the message said nothing about the category (a server-side source). */
  analytics?: boolean;
  advertising?: boolean;
  functional?: boolean;
  authorization: boolean;
  gpc: boolean;
  /** `US-CA`: a US state or DC, only when the site passed one. */
  region?: string;
  /** The message named no categories (only GPC, say): category checks pass, as without consent. */
  categoriesUnknown?: true;
}

export const US_STATES = new Set(
  'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY'.split(' '),
);

/** `US-CA`, `us-ca` -> `US-CA`; anything else -> undefined. */
export function usRegion(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length !== 5) return undefined;
  const upper = raw.toUpperCase();
  return upper.startsWith('US-') && US_STATES.has(upper.slice(3)) ? upper : undefined;
}

/** The consent a message carries; undefined when it carries none (no `context.consent`). */
export function consentState(message: Message): ConsentState | undefined {
  const raw = message.context?.consent;
  if (raw === undefined) return undefined;
  const preferences = raw.categoryPreferences ?? {};
  const gpc = raw.gpc === true;
  const flag = (category: string): boolean | undefined => (Object.hasOwn(preferences, category) ? preferences[category] === true : undefined);
  const state: ConsentState = { authorization: !gpc && flag('authorization') === true, gpc };
  const analytics = flag('analytics');
  const advertising = flag('advertising');
  const functional = flag('functional');
  if (analytics !== undefined) state.analytics = analytics;
  if (advertising !== undefined || gpc) state.advertising = advertising === true && !gpc;
  if (functional !== undefined) state.functional = functional;
  const region = usRegion(raw.region);
  if (region !== undefined) state.region = region;
  if (raw.categoryPreferences === undefined) state.categoriesUnknown = true;
  return state;
}
