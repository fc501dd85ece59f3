/**
 * The consent compiler: one consent state (pipeline/consent-state.ts) to each vendor's own
 * consent fields, with the decision in words for the delivery log. Pure; a table test per vendor.
 *
 * One rule under all of them: a vendor may use an event for advertising about the person only
 * when the visitor granted advertising, sent no GPC, and signed a patient authorization. In
 * healthcare, personalizing ads from a visit is a marketing use of PHI (45 CFR 164.508(a)(3)),
 * so advertising consent alone is not enough. Events are still measured (conversions counted)
 * where the destination's consent category allows them at all; these fields tell the vendor
 * what it may do with them.
 *
 * Vendor fields (vendors.md §8): GA4 `consent.ad_user_data` and `ad_personalization`; Google Ads
 * `consent.adUserData`; Meta `data_processing_options: ["LDU"]` with country and state, and
 * `opt_out`; TikTok `limited_data_use`; Microsoft `adStorageConsent`; LinkedIn has none.
 */
import type { ConsentState } from '../pipeline/consent-state.js';

export type GoogleConsent = 'GRANTED' | 'DENIED';

interface Verdict {
  granted: boolean;
  because: string;
}

/** May the vendor use this event's data about the person for advertising? */
export function adUse(state: ConsentState | undefined): Verdict {
  if (state === undefined) return { granted: false, because: 'the event carried no consent' };
  if (state.gpc) return { granted: false, because: 'GPC' };
  if (state.advertising !== true) return { granted: false, because: 'advertising consent not granted' };
  if (!state.authorization) return { granted: false, because: 'no patient authorization' };
  return { granted: true, because: 'advertising consent and a patient authorization' };
}

const google = (v: Verdict): GoogleConsent => (v.granted ? 'GRANTED' : 'DENIED');

export function ga4Consent(state: ConsentState | undefined) {
  const v = adUse(state);
  return {
    fields: { ad_user_data: google(v), ad_personalization: google(v) },
    decision: `ad_user_data=${google(v)}, ad_personalization=${google(v)} because ${v.because}`,
  };
}

export function googleAdsConsent(state: ConsentState | undefined) {
  const v = adUse(state);
  return { fields: { adUserData: google(v) }, decision: `adUserData=${google(v)} because ${v.because}` };
}

/**
 * Meta's state codes for Limited Data Use (developers.facebook.com, data processing options);
 * a state Meta does not list is left for Meta to geolocate (0).
 */
export const META_LDU_STATES: Record<string, number> = {
  'US-CA': 1000,
  'US-CO': 1001,
  'US-CT': 1002,
  'US-FL': 1003,
  'US-OR': 1004,
  'US-TX': 1005,
  'US-MT': 1006,
  'US-DE': 1007,
  'US-NE': 1008,
  'US-NH': 1009,
  'US-NJ': 1010,
  'US-MN': 1011,
  'US-MD': 1012,
  'US-RI': 1013,
};

export interface MetaConsentFields {
  data_processing_options: string[];
  data_processing_options_country?: number;
  data_processing_options_state?: number;
  opt_out: boolean;
}

export function metaConsent(state: ConsentState | undefined): { fields: MetaConsentFields; decision: string } {
  const v = adUse(state);
  // opt_out: Meta uses the event for attribution only, never for ads delivery optimization.
  // Limited Data Use alone is not enough: without the visitor's state Meta geolocates, and the
  // relay sends no visitor IP, so Meta would place the relay's server instead.
  const optOut = !v.granted;
  if (v.granted) return { fields: { data_processing_options: [], opt_out: false }, decision: `no LDU, opt_out=false because ${v.because}` };
  const code = state?.region === undefined ? undefined : META_LDU_STATES[state.region];
  const fields: MetaConsentFields = {
    data_processing_options: ['LDU'],
    data_processing_options_country: code === undefined ? 0 : 1,
    data_processing_options_state: code ?? 0,
    opt_out: optOut,
  };
  const where = code === undefined ? 'geolocated by Meta' : state!.region!;
  return { fields, decision: `LDU (${where}), opt_out=${optOut} because ${v.because}` };
}

export function tiktokConsent(state: ConsentState | undefined) {
  const v = adUse(state);
  return { fields: { limited_data_use: !v.granted }, decision: `limited_data_use=${!v.granted} because ${v.because}` };
}

export function microsoftConsent(state: ConsentState | undefined) {
  const v = adUse(state);
  const value = v.granted ? 'G' : 'D';
  return { fields: { adStorageConsent: value as 'G' | 'D' }, decision: `adStorageConsent=${value} because ${v.because}` };
}

export function linkedinConsent(state: ConsentState | undefined) {
  return { decision: `LinkedIn takes no consent field; ${adUse(state).granted ? 'authorized' : 'no identifiers beyond masked ids'}` };
}
