/**
 * GA4 naming rules (Measurement Protocol reference): event and parameter names at most 40
 * characters, starting with a letter, only [A-Za-z0-9_], no reserved prefixes; user property
 * names at most 24 characters.
 */
export const RESERVED_PREFIXES = ['_', 'firebase_', 'ga_', 'google_', 'gtag.'];

export const RESERVED_EVENT_NAMES = new Set([
  'ad_activeview',
  'ad_click',
  'ad_exposure',
  'ad_impression',
  'ad_query',
  'ad_reward',
  'adunit_exposure',
  'app_background',
  'app_clear_data',
  'app_exception',
  'app_remove',
  'app_store_refund',
  'app_store_subscription_cancel',
  'app_store_subscription_convert',
  'app_store_subscription_renew',
  'app_update',
  'app_upgrade',
  'dynamic_link_app_open',
  'dynamic_link_app_update',
  'dynamic_link_first_open',
  'error',
  'first_open',
  'first_visit',
  'in_app_purchase',
  'notification_dismiss',
  'notification_foreground',
  'notification_open',
  'notification_receive',
  'os_update',
  'session_start',
  'session_start_with_rollout',
  'user_engagement',
]);

/** Palisade's reserved names to GA4's recommended or descriptive ones: GA4's default mapping. */
export const SPECIAL_EVENTS: Record<string, string> = {
  $pageview: 'page_view',
  $screen: 'screen_view',
  $identify: 'identify',
  $group: 'join_group',
  $click: 'click',
  $submit: 'form_submit',
  $change: 'form_change',
};

/** Property and event names repeat endlessly: remember the few a site uses (bounded). */
const nameCache = new Map<string, string | undefined>();
const MAX_CACHED_NAMES = 4096;

/** `Appointment Booked` -> `appointment_booked`; undefined when nothing usable is left. */
export function ga4Name(raw: string, maxLength = 40): string | undefined {
  const key = `${maxLength}:${raw}`;
  if (nameCache.has(key)) return nameCache.get(key);
  const name = computeGa4Name(raw, maxLength);
  if (nameCache.size >= MAX_CACHED_NAMES) nameCache.clear();
  nameCache.set(key, name);
  return name;
}

function computeGa4Name(raw: string, maxLength: number): string | undefined {
  let name = raw
    .trim()
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/^[^A-Za-z]+/, '')
    .toLowerCase()
    .slice(0, maxLength)
    .replace(/_+$/, '');
  if (name === '') return undefined;
  if (RESERVED_PREFIXES.some((p) => name.startsWith(p))) name = `x_${name}`.slice(0, maxLength);
  return name;
}

/** A mapped event name made GA4-legal; undefined when empty or reserved. */
export function ga4EventName(event: string): string | undefined {
  const name = ga4Name(event);
  if (name === undefined || RESERVED_EVENT_NAMES.has(name)) return undefined;
  return name;
}
