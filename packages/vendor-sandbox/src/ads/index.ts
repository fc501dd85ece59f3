/** The ad platform stand-ins, one module per vendor; the sandbox registers them all. */
import type { AdContext, AdEvent } from './common.js';
import { googleAdsEvents, registerGoogleAds } from './google-ads.js';
import { linkedinEvents, registerLinkedin } from './linkedin.js';
import { metaEvents, registerMeta } from './meta.js';
import { microsoftEvents, registerMicrosoftAds } from './microsoft-ads.js';
import { registerTiktok, tiktokEvents } from './tiktok.js';

export interface AdVendor {
  name: string;
  label: string;
  register(context: AdContext): void;
  /** The events of a recorded request, for the sandbox page. */
  events(body: unknown): AdEvent[];
}

export const AD_VENDORS: readonly AdVendor[] = [
  { name: 'meta', label: 'Meta Conversions API', register: registerMeta, events: metaEvents },
  { name: 'google-ads', label: 'Google Ads (click conversions)', register: registerGoogleAds, events: googleAdsEvents },
  { name: 'tiktok', label: 'TikTok Events API', register: registerTiktok, events: tiktokEvents },
  { name: 'linkedin', label: 'LinkedIn Conversions API', register: registerLinkedin, events: linkedinEvents },
  { name: 'microsoft-ads', label: 'Microsoft Advertising (UET Conversions API)', register: registerMicrosoftAds, events: microsoftEvents },
];

/**
 * Identifier classes in what an ad platform received, by field name: B, the vendor's own click
 * ids; C, contact hashes. The page shows them on every event, so a reviewer sees at a glance
 * that none left without a patient authorization.
 */
const CLASS_B = new Set(['fbc', 'gclid', 'gbraid', 'wbraid', 'ttclid', 'msclkid', 'LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID']);
const CLASS_C = new Set(['em', 'ph', 'email', 'phone', 'hashedEmail', 'hashedPhoneNumber', 'SHA256_EMAIL']);

export function identifierClasses(event: Record<string, unknown>): { b: string[]; c: string[] } {
  const b = new Set<string>();
  const c = new Set<string>();
  const visit = (value: unknown, key: string, depth: number): void => {
    if (depth > 8) return;
    if (CLASS_B.has(key)) b.add(key);
    if (CLASS_C.has(key)) c.add(key);
    if (Array.isArray(value)) for (const v of value) visit(v, key, depth + 1);
    else if (value !== null && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      // LinkedIn names the id's class in a value: { idType: 'SHA256_EMAIL', idValue }.
      if (typeof object.idType === 'string') visit(object.idValue, object.idType, depth + 1);
      for (const [k, v] of Object.entries(object)) visit(v, k, depth + 1);
    }
  };
  visit(event, '', 0);
  return { b: [...b].sort(), c: [...c].sort() };
}
