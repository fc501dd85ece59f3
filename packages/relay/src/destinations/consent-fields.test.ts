import { describe, expect, it } from 'vitest';
import type { ConsentState } from '../pipeline/consent-state.js';
import { ga4Consent, googleAdsConsent, metaConsent, microsoftConsent, tiktokConsent } from './consent-fields.js';

const granted: ConsentState = { analytics: true, advertising: true, authorization: true, gpc: false };
const states: Array<[string, ConsentState | undefined]> = [
  ['authorized', granted],
  ['advertising without authorization', { ...granted, authorization: false }],
  ['advertising denied', { ...granted, advertising: false, authorization: false }],
  ['GPC', { analytics: true, advertising: false, authorization: false, gpc: true }],
  ['no consent information', undefined],
  ['no authorization, in California', { ...granted, authorization: false, region: 'US-CA' }],
];

describe('the consent compiler', () => {
  it.each(states)('GA4: %s', (_name, state) => {
    expect(ga4Consent(state)).toMatchSnapshot();
  });
  it.each(states)('Google Ads: %s', (_name, state) => {
    expect(googleAdsConsent(state)).toMatchSnapshot();
  });
  it.each(states)('Meta: %s', (_name, state) => {
    expect(metaConsent(state)).toMatchSnapshot();
  });
  it.each(states)('TikTok: %s', (_name, state) => {
    expect(tiktokConsent(state)).toMatchSnapshot();
  });
  it.each(states)('Microsoft: %s', (_name, state) => {
    expect(microsoftConsent(state)).toMatchSnapshot();
  });

  it('says why, in the words the delivery log shows', () => {
    expect(ga4Consent(states[3]![1]).decision).toBe('ad_user_data=DENIED, ad_personalization=DENIED because GPC');
    expect(googleAdsConsent(granted)).toEqual({ fields: { adUserData: 'GRANTED' }, decision: 'adUserData=GRANTED because advertising consent and a patient authorization' });
    expect(metaConsent(states[5]![1])).toEqual({
      fields: { data_processing_options: ['LDU'], data_processing_options_country: 1, data_processing_options_state: 1000, opt_out: true },
      decision: 'LDU (US-CA), opt_out=true because no patient authorization',
    });
    expect(tiktokConsent(granted).fields).toEqual({ limited_data_use: false });
    expect(microsoftConsent(states[3]![1])).toEqual({ fields: { adStorageConsent: 'D' }, decision: 'adStorageConsent=D because GPC' });
  });
});
