/**
 * Microsoft Advertising's contract fixture, after the UET Conversions API request shape: a page
 * load and a custom conversion with value in HIPAA mode, an authorized one with msclkid and
 * hashed contacts, and the answers (a 200 naming one refused event; throttling).
 */
import type { CleanEvent } from '../../pipeline/clean-event.js';
import type { ContractFixture } from '../connector.contract.js';

const page = { url: 'https://clinic.example/thanks' };
const userAgent = { browser: 'Edge', browserMajor: '131', os: 'Windows', label: 'Edge 131 (Windows)' };
const consent = { analytics: true, advertising: true, authorization: false, gpc: false };
const loaded: CleanEvent = {
  eventId: 'evt-1',
  type: 'page',
  event: '$pageview',
  timestamp: '2026-11-24T09:59:00.000Z',
  anonymousId: 'k1:anon',
  properties: {},
  traits: {},
  context: { page, userAgent, consent },
};
const purchased: CleanEvent = { ...loaded, eventId: 'evt-2', type: 'track', event: 'purchase', properties: { value: 49.9, currency: 'EUR' } };
const authorized: CleanEvent = {
  ...purchased,
  eventId: 'evt-3',
  properties: {},
  context: { page, userAgent, consent: { ...consent, authorization: true } },
  identifiers: { clickIds: { msclkid: '3b5c2b8e0c7d1f6a9e4d2c1b0a9f8e7d-0' }, emailSha256: '1'.repeat(64), phoneSha256: '2'.repeat(64) },
};
const agent = 'Mozilla/5.0 (Windows) Edge/131';
const userData = { externalId: 'k1:anon', anonymousId: 'k1:anon', clientUserAgent: agent };

export const fixture: ContractFixture = {
  settings: {
    config: { tagId: '187000123', accessToken: 'env:UET_ACCESS_TOKEN', endpoint: 'https://uet.sandbox.test' },
    resolved: { tagId: '187000123', accessToken: 'uet-token', endpoint: 'https://uet.sandbox.test' },
  },
  destination: { consent: 'advertising', identifiers: { clickIds: 'with-authorization', contactHashes: 'with-authorization' } },
  requests: [
    {
      name: 'a page load, a purchase and an authorized purchase',
      events: [loaded, purchased, authorized],
      expect: {
        url: 'https://uet.sandbox.test/v1/187000123/events',
        headers: { 'content-type': 'application/json', authorization: 'Bearer uet-token' },
        body: {
          continueOnValidationError: true,
          dataProvider: 'palisade',
          data: [
            { eventType: 'pageLoad', eventId: 'evt-1', eventTime: 1795514340, eventSourceUrl: page.url, adStorageConsent: 'D', userData },
            {
              eventType: 'custom',
              eventId: 'evt-2',
              eventName: 'purchase',
              eventTime: 1795514340,
              eventSourceUrl: page.url,
              adStorageConsent: 'D',
              userData,
              customData: { value: 49.9, currency: 'EUR' },
            },
            {
              eventType: 'custom',
              eventId: 'evt-3',
              eventName: 'purchase',
              eventTime: 1795514340,
              eventSourceUrl: page.url,
              adStorageConsent: 'G',
              userData: { ...userData, msclkid: '3b5c2b8e0c7d1f6a9e4d2c1b0a9f8e7d-0', em: '1'.repeat(64), ph: '2'.repeat(64) },
            },
          ],
        },
      },
    },
  ],
  responses: [
    { name: '200 eventsReceived', response: { status: 200, headers: {}, body: '{"eventsReceived":2}' }, batch: 2, expect: { kind: 'ok' } },
    {
      name: '200 naming one refused event',
      response: {
        status: 200,
        headers: {},
        body: '{"eventsReceived":1,"error":{"code":"InvalidEvents","details":[{"index":1,"propertyName":"eventTime","errorCode":"EventTooOld","isWarning":false}]}}',
      },
      batch: 2,
      expect: { kind: 'per-event', outcomes: [{ kind: 'ok' }, { kind: 'abort', reason: 'Microsoft refused the event: EventTooOld' }] },
    },
    { name: '429', response: { status: 429, headers: { 'retry-after': '10' }, body: '' }, batch: 2, expect: { kind: 'retry', reason: 'Microsoft HTTP 429', retryAfterMs: 10_000 } },
    {
      name: '401',
      response: { status: 401, headers: {}, body: '{"error":{"code":"Unauthorized"}}' },
      batch: 2,
      expect: { kind: 'abort', reason: 'Microsoft HTTP 401 Unauthorized' },
    },
  ],
};
