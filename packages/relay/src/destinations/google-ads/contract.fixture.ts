/**
 * Google Ads' contract fixture, after the documented uploadClickConversions request: an
 * authorized booking with a gclid and hashed email and phone, mapped to a conversion action,
 * and the partial-failure answer Google gives for one refused row.
 */
import type { CleanEvent } from '../../pipeline/clean-event.js';
import type { ContractFixture } from '../connector.contract.js';

const consent = { analytics: true, advertising: true, authorization: true, gpc: false };
const booked: CleanEvent = {
  eventId: 'A-1001',
  type: 'track',
  event: 'Appointment Booked',
  timestamp: '2026-11-24T09:59:00.000Z',
  anonymousId: 'k1:anon',
  properties: { value: 49.9, currency: 'eur' },
  traits: {},
  context: { consent },
  identifiers: {
    clickIds: { gclid: 'Cj0KCQiA1234567890', gbraid: 'GBRAID123456' },
    emailSha256: '87924606b4131a8aceeeae8868531fbb9712aaa07a5d3a756b26ce0f5d6ca674',
    phoneSha256: 'e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176',
  },
};
const contacted: CleanEvent = { ...booked, eventId: 'A-1002', event: 'Contact Form Sent', properties: {}, identifiers: { clickIds: { wbraid: 'WBRAID123456' } } };

const failure = (index: number, code: Record<string, string>, message: string) => ({
  errorCode: code,
  message,
  location: { fieldPathElements: [{ fieldName: 'conversions', index }] },
});

export const fixture: ContractFixture = {
  settings: {
    config: {
      customerId: '123-456-7890',
      developerToken: 'env:GOOGLE_ADS_DEVELOPER_TOKEN',
      clientId: 'client.apps.googleusercontent.com',
      clientSecret: 'env:GOOGLE_ADS_CLIENT_SECRET',
      refreshToken: 'env:GOOGLE_ADS_REFRESH_TOKEN',
      endpoint: 'https://ads.sandbox.test',
    },
    resolved: {
      customerId: '1234567890',
      developerToken: 'dev-token',
      clientId: 'client.apps.googleusercontent.com',
      clientSecret: 'client-secret',
      refreshToken: 'refresh-token',
      apiVersion: 'v26',
      validateOnly: false,
      endpoint: 'https://ads.sandbox.test',
      tokenUrl: 'https://ads.sandbox.test/token',
    },
  },
  destination: {
    consent: 'advertising',
    identifiers: { clickIds: 'with-authorization', contactHashes: 'with-authorization' },
    mapping: { events: { 'Appointment Booked': '987', 'Contact Form Sent': '988', $pageview: '989' } },
  },
  authorizedOnly: true,
  requests: [
    {
      name: 'an authorized booking with gclid and contact hashes, and a contact with wbraid',
      events: [booked, contacted],
      expect: {
        url: 'https://ads.sandbox.test/v26/customers/1234567890:uploadClickConversions',
        headers: { 'content-type': 'application/json', 'developer-token': 'dev-token' },
        body: {
          partialFailure: true,
          validateOnly: false,
          conversions: [
            {
              gclid: 'Cj0KCQiA1234567890',
              conversionAction: 'customers/1234567890/conversionActions/987',
              conversionDateTime: '2026-11-24 09:59:00+00:00',
              orderId: 'A-1001',
              conversionValue: 49.9,
              currencyCode: 'EUR',
              userIdentifiers: [
                { hashedEmail: '87924606b4131a8aceeeae8868531fbb9712aaa07a5d3a756b26ce0f5d6ca674' },
                { hashedPhoneNumber: 'e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176' },
              ],
              consent: { adUserData: 'GRANTED' },
            },
            {
              wbraid: 'WBRAID123456',
              conversionAction: 'customers/1234567890/conversionActions/988',
              conversionDateTime: '2026-11-24 09:59:00+00:00',
              orderId: 'A-1002',
              consent: { adUserData: 'GRANTED' },
            },
          ],
        },
      },
    },
  ],
  responses: [
    { name: '200, every row accepted', response: { status: 200, headers: {}, body: '{"results":[{"gclid":"a"},{"gclid":"b"}],"jobId":"1"}' }, batch: 2, expect: { kind: 'ok' } },
    {
      name: '200 with a partial failure: one row refused, one to retry',
      response: {
        status: 200,
        headers: {},
        body: JSON.stringify({
          results: [{}, { gclid: 'b' }, {}],
          partialFailureError: {
            code: 3,
            message: 'Multiple errors in details',
            details: [
              {
                '@type': 'type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure',
                errors: [
                  failure(0, { conversionUploadError: 'EXPIRED_EVENT' }, 'The click associated with the given identifier is too old'),
                  failure(2, { databaseError: 'CONCURRENT_MODIFICATION' }, 'Multiple requests were attempting to modify the same resource'),
                ],
              },
            ],
          },
        }),
      },
      batch: 3,
      expect: {
        kind: 'per-event',
        outcomes: [
          { kind: 'abort', reason: 'Google Ads EXPIRED_EVENT: The click associated with the given identifier is too old' },
          { kind: 'ok' },
          { kind: 'retry', reason: 'Google Ads CONCURRENT_MODIFICATION: Multiple requests were attempting to modify the same resource' },
        ],
      },
    },
    {
      name: '429 RESOURCE_EXHAUSTED',
      response: { status: 429, headers: {}, body: '{"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED"}}' },
      batch: 2,
      expect: { kind: 'retry', reason: 'Google Ads HTTP 429 RESOURCE_EXHAUSTED' },
    },
    {
      name: '403 PERMISSION_DENIED',
      response: { status: 403, headers: {}, body: '{"error":{"code":403,"message":"The caller does not have permission","status":"PERMISSION_DENIED"}}' },
      batch: 2,
      expect: { kind: 'abort', reason: 'Google Ads HTTP 403 PERMISSION_DENIED' },
    },
  ],
};
