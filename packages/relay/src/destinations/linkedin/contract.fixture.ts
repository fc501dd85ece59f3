/**
 * LinkedIn's contract fixture, after the documented BATCH_CREATE request of conversionEvents:
 * an authorized booking with a hashed email and li_fat_id, mapped to a conversion rule, and the
 * per-element statuses LinkedIn answers with.
 */
import type { CleanEvent } from '../../pipeline/clean-event.js';
import type { ContractFixture } from '../connector.contract.js';

const booked: CleanEvent = {
  eventId: 'abc12345',
  type: 'track',
  event: 'Appointment Booked',
  timestamp: '2026-11-24T09:59:00.000Z',
  anonymousId: 'k1:anon',
  properties: { value: 1500, currency: 'USD' },
  traits: {},
  context: { consent: { analytics: true, advertising: true, authorization: true, gpc: false } },
  identifiers: { clickIds: { li_fat_id: 'a1b2c3d4-li-fat-id' }, emailSha256: 'e'.repeat(64) },
};
const downloaded: CleanEvent = { ...booked, eventId: 'abc12346', event: 'Guide Downloaded', properties: {}, identifiers: { emailSha256: 'f'.repeat(64) } };
const statuses = (...s: Array<number | { status: number; error: { message: string } }>) => ({
  status: 200,
  headers: {},
  body: JSON.stringify({ elements: s.map((x) => (typeof x === 'number' ? { status: x } : x)) }),
});

export const fixture: ContractFixture = {
  settings: {
    config: { accessToken: 'env:LINKEDIN_ACCESS_TOKEN', endpoint: 'https://linkedin.sandbox.test' },
    resolved: { accessToken: 'li-token', apiVersion: '202607', endpoint: 'https://linkedin.sandbox.test' },
  },
  destination: {
    consent: 'advertising',
    identifiers: { clickIds: 'with-authorization', contactHashes: 'with-authorization' },
    mapping: { events: { 'Appointment Booked': '123', 'Guide Downloaded': '124', $pageview: '125' } },
  },
  authorizedOnly: true,
  requests: [
    {
      name: 'an authorized booking and download',
      events: [booked, downloaded],
      expect: {
        url: 'https://linkedin.sandbox.test/rest/conversionEvents',
        headers: { 'linkedin-version': '202607', 'x-restli-protocol-version': '2.0.0', 'x-restli-method': 'BATCH_CREATE', authorization: 'Bearer li-token' },
        body: {
          elements: [
            {
              conversion: 'urn:lla:llaPartnerConversion:123',
              conversionHappenedAt: Date.parse('2026-11-24T09:59:00.000Z'),
              eventId: 'abc12345',
              user: {
                userIds: [
                  { idType: 'SHA256_EMAIL', idValue: 'e'.repeat(64) },
                  { idType: 'LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID', idValue: 'a1b2c3d4-li-fat-id' },
                ],
              },
              conversionValue: { currencyCode: 'USD', amount: '1500' },
            },
            {
              conversion: 'urn:lla:llaPartnerConversion:124',
              conversionHappenedAt: Date.parse('2026-11-24T09:59:00.000Z'),
              eventId: 'abc12346',
              user: { userIds: [{ idType: 'SHA256_EMAIL', idValue: 'f'.repeat(64) }] },
            },
          ],
        },
      },
    },
  ],
  responses: [
    { name: 'every element 201', response: statuses(201, 201), batch: 2, expect: { kind: 'ok' } },
    {
      name: 'one element refused, one throttled',
      response: statuses(201, { status: 400, error: { message: 'Conversion rule is not linked to a campaign' } }, { status: 429, error: { message: 'Too many requests' } }),
      batch: 3,
      expect: {
        kind: 'per-event',
        outcomes: [
          { kind: 'ok' },
          { kind: 'abort', reason: 'LinkedIn element status 400: Conversion rule is not linked to a campaign' },
          { kind: 'retry', reason: 'LinkedIn element status 429: Too many requests' },
        ],
      },
    },
    {
      name: 'HTTP 429',
      response: { status: 429, headers: { 'retry-after': '60' }, body: '' },
      batch: 2,
      expect: { kind: 'retry', reason: 'LinkedIn HTTP 429', retryAfterMs: 60_000 },
    },
    { name: 'HTTP 401', response: { status: 401, headers: {}, body: '' }, batch: 2, expect: { kind: 'abort', reason: 'LinkedIn HTTP 401' } },
  ],
};
