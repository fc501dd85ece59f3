import type { IdentifiersConfig, Message } from '@palisade/schema';
import { describe, expect, it } from 'vitest';
import { cleanClickIds } from './click-ids.js';
import { consentState, usRegion } from './consent-state.js';
import { sha256Hex } from './contact-hash.js';
import { entitledIdentifiers, recheckIdentifiers, type IdentifierSupport } from './identifiers.js';

const META: IdentifierSupport = { clickIds: ['fbc'], email: 'lowercase', phone: 'digits' };
const BOTH = { clickIds: 'with-authorization', contactHashes: 'with-authorization' } as const;
const NEVER = { clickIds: 'never', contactHashes: 'never' } as const;
const clickIds = { gclid: 'Cj0KCQiAabcdefghijklmnop', fbc: 'fb.1.1764000000000.IwAR0abcdefghijklmnopq', msclkid: 'aabbccddeeff00112233445566778899' };

function message(consent: Record<string, unknown> | undefined, properties: Record<string, unknown> = { email: 'Jane@Example.com', phone: '(555) 010-4477' }): Message {
  return { type: 'track', event: 'Appointment Booked', anonymousId: 'a', properties, context: { clickIds, ...(consent ? { consent } : {}) } } as Message;
}
const authorized = { categoryPreferences: { advertising: true, authorization: true } };

describe('consent state', () => {
  it('reads categories, GPC and a US state; authorization is never implied and GPC denies it', () => {
    expect(consentState(message(undefined))).toBeUndefined();
    expect(consentState(message({ categoryPreferences: { analytics: true, advertising: true } }))).toEqual({
      analytics: true,
      advertising: true,
      authorization: false,
      gpc: false,
    });
    expect(consentState(message({ ...authorized, gpc: true, region: 'us-ca' }))).toEqual({ advertising: false, authorization: false, gpc: true, region: 'US-CA' });
    expect(consentState(message({ categoryPreferences: { authorization: 'yes' } }))?.authorization).toBe(false);
    expect(usRegion('US-ZZ')).toBeUndefined();
    expect(usRegion('US-CA; x')).toBeUndefined();
  });
});

describe('click ids', () => {
  it('keeps only vendor-shaped values and nothing that reads like PHI', () => {
    expect(cleanClickIds({ ...clickIds, ttclid: 'jane@example.com', li_fat_id: '078-05-1120', wbraid: 'a b', other: 'Cj0KCQiAabcdefghijklmnop' })).toEqual(clickIds);
    expect(cleanClickIds({ fbc: 'fb.1.17640.IwAR0abcdefghijklmnopq', msclkid: 'jane.doe.hiv-positive', gclid: 'MRN12345678', li_fat_id: 'not-a-uuid' })).toEqual({});
    expect(cleanClickIds({ li_fat_id: '3f2b9c1e-7d4a-4e8b-9a6c-1b2d3e4f5a6b', gbraid: '0AAAAADxyzGBRAIDvalue12' })).toEqual({
      li_fat_id: '3f2b9c1e-7d4a-4e8b-9a6c-1b2d3e4f5a6b',
      gbraid: '0AAAAADxyzGBRAIDvalue12',
    });
    expect(cleanClickIds('gclid=x')).toEqual({});
    expect(cleanClickIds({ gclid: 12345678 })).toEqual({});
  });
});

describe('identifier classes B and C', () => {
  const entitled = (m: Message, optIn: IdentifiersConfig = BOTH, support: IdentifierSupport | undefined = META) => entitledIdentifiers(m, consentState(m), optIn, support, '1');

  it('go to an opted-in destination for an authorized event: only the vendor’s click id, hashed its way', () => {
    expect(entitled(message(authorized))).toEqual({
      clickIds: { fbc: clickIds.fbc },
      emailSha256: sha256Hex('jane@example.com'),
      phoneSha256: sha256Hex('15550104477'),
    });
  });

  it('never go without an authorization, under GPC, without the opt-in, or to a vendor that takes none', () => {
    expect(entitled(message({ categoryPreferences: { advertising: true } }))).toBeUndefined();
    expect(entitled(message({ ...authorized, gpc: true }))).toBeUndefined();
    expect(entitled(message(undefined))).toBeUndefined();
    expect(entitled(message(authorized), NEVER)).toBeUndefined();
    expect(entitledIdentifiers(message(authorized), consentState(message(authorized)), BOTH, undefined, '1')).toBeUndefined();
    expect(entitled(message(authorized), { clickIds: 'with-authorization', contactHashes: 'never' })).toEqual({ clickIds: { fbc: clickIds.fbc } });
  });

  it('hash nothing that is not an email or phone number', () => {
    expect(entitled(message(authorized, { email: 'I have anxiety', phone: 'after 5pm' }), { clickIds: 'never', contactHashes: 'with-authorization' })).toBeUndefined();
  });

  it('are dropped at delivery when the destination no longer opts in', () => {
    const ids = entitled(message(authorized));
    expect(recheckIdentifiers(ids, NEVER)).toBeUndefined();
    expect(recheckIdentifiers(ids, { clickIds: 'never', contactHashes: 'with-authorization' })).toEqual({ emailSha256: ids!.emailSha256, phoneSha256: ids!.phoneSha256 });
  });
});
