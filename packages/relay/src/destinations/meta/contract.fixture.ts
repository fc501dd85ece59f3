/**
 * Meta's contract fixture, after the documented example request (conversions-api/using-the-api):
 * a Purchase with value, currency and content ids, and a page view, of one visitor. In HIPAA mode
 * without an authorization: masked external_id, reduced user agent, LDU; the authorized booking
 * carries `fbc` and the hashed email and phone as Meta documents them.
 */
import type { CleanEvent } from '../../pipeline/clean-event.js';
import type { ContractFixture } from '../connector.contract.js';

const page = { url: 'https://clinic.example/book', referrer: 'https://www.google.com/' };
const userAgent = { browser: 'Chrome', browserMajor: '120', os: 'Windows', label: 'Chrome 120 (Windows)' };
const purchase: CleanEvent = {
  eventId: 'event.id.123',
  type: 'track',
  event: 'Purchase',
  timestamp: '2026-11-24T09:58:08.000Z',
  anonymousId: 'k1:anon',
  properties: { value: 100.2, currency: 'USD', content_ids: ['product.id.123'], content_type: 'product' },
  traits: {},
  context: { page, userAgent, consent: { analytics: true, advertising: true, authorization: false, gpc: false } },
};
const authorized: CleanEvent = {
  ...purchase,
  eventId: 'event.id.124',
  event: 'Schedule',
  properties: {},
  context: { page, userAgent, consent: { analytics: true, advertising: true, authorization: true, gpc: false, region: 'US-CA' } },
  identifiers: {
    clickIds: { fbc: 'fb.1.1554763741205.AbCdEfGhIjKlMnOpQrStUvWxYz1234567890' },
    // Meta's own examples: john_smith@gmail.com and 16505551212.
    emailSha256: '62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f',
    phoneSha256: 'e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176',
  },
};
const viewed: CleanEvent = { ...purchase, eventId: 'event.id.125', type: 'page', event: '$pageview', properties: {}, context: { page, userAgent } };

const agent = 'Mozilla/5.0 (Windows) Chrome/120';
const ldu = { data_processing_options: ['LDU'], data_processing_options_country: 0, data_processing_options_state: 0 };

export const fixture: ContractFixture = {
  settings: {
    config: { pixelId: '1234567890', accessToken: 'env:META_ACCESS_TOKEN', testEventCode: 'TEST123', endpoint: 'https://meta.sandbox.test' },
    resolved: { pixelId: '1234567890', accessToken: 'meta-token', testEventCode: 'TEST123', apiVersion: 'v25.0', endpoint: 'https://meta.sandbox.test' },
  },
  destination: { consent: 'advertising', identifiers: { clickIds: 'with-authorization', contactHashes: 'with-authorization' } },
  requests: [
    {
      name: 'a purchase, an authorized booking and a page view',
      events: [purchase, authorized, viewed],
      expect: {
        url: 'https://meta.sandbox.test/v25.0/1234567890/events',
        headers: { 'content-type': 'application/json' },
        body: {
          access_token: 'meta-token',
          test_event_code: 'TEST123',
          data: [
            {
              event_name: 'Purchase',
              event_time: 1795514288,
              event_id: 'event.id.123',
              action_source: 'website',
              event_source_url: page.url,
              user_data: { external_id: ['k1:anon'], client_user_agent: agent },
              ...ldu,
              opt_out: true,
              custom_data: { value: 100.2, currency: 'USD', content_ids: ['product.id.123'], content_type: 'product' },
            },
            {
              event_name: 'Schedule',
              event_time: 1795514288,
              event_id: 'event.id.124',
              action_source: 'website',
              event_source_url: page.url,
              user_data: {
                external_id: ['k1:anon'],
                client_user_agent: agent,
                fbc: 'fb.1.1554763741205.AbCdEfGhIjKlMnOpQrStUvWxYz1234567890',
                em: ['62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f'],
                ph: ['e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176'],
              },
              data_processing_options: [],
              opt_out: false,
            },
            {
              event_name: 'PageView',
              event_time: 1795514288,
              event_id: 'event.id.125',
              action_source: 'website',
              event_source_url: page.url,
              user_data: { external_id: ['k1:anon'], client_user_agent: agent },
              ...ldu,
              opt_out: true,
            },
          ],
        },
      },
    },
  ],
  responses: [
    { name: '200 events_received', response: { status: 200, headers: {}, body: '{"events_received":2,"messages":[],"fbtrace_id":"AbC"}' }, batch: 2, expect: { kind: 'ok' } },
    {
      name: 'throttled (code 17)',
      response: { status: 400, headers: {}, body: '{"error":{"message":"User request limit reached","type":"OAuthException","code":17,"error_subcode":2446079,"fbtrace_id":"x"}}' },
      batch: 2,
      expect: { kind: 'retry', reason: 'Meta error 17/2446079: User request limit reached' },
    },
    {
      name: 'invalid parameter in a batch (code 100): split to find the event',
      response: { status: 400, headers: {}, body: '{"error":{"message":"Invalid parameter","type":"OAuthException","code":100,"error_subcode":2804019,"fbtrace_id":"x"}}' },
      batch: 4,
      expect: { kind: 'split', reason: 'Meta error 100/2804019: Invalid parameter' },
    },
    {
      name: 'expired token (code 190)',
      response: { status: 400, headers: {}, body: '{"error":{"message":"Error validating access token","type":"OAuthException","code":190,"fbtrace_id":"x"}}' },
      batch: 2,
      expect: { kind: 'abort', reason: 'Meta error 190: Error validating access token' },
    },
    { name: '503', response: { status: 503, headers: {}, body: '' }, batch: 2, expect: { kind: 'retry', reason: 'Meta error 503' } },
    {
      name: 'a refusal quoting the token back: the quote is redacted',
      response: {
        status: 400,
        headers: {},
        body: '{"error":{"message":"Malformed access token EAAGm0PX4ZCpsBAKZCnZBqZC1TOKEN123\\u001b[2J for jane@example.com","type":"OAuthException","code":190}}',
      },
      batch: 1,
      expect: { kind: 'abort', reason: 'Meta error 190: Malformed access token [redacted] [2J for [redacted]' },
    },
  ],
};
