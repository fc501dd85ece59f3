/**
 * TikTok's contract fixture, after the Events API 2.0 request shape (event/track with
 * event_source web): a ViewContent-style event with value and currency and a page view in HIPAA
 * mode, an authorized event with ttclid and hashed contacts, and the body codes TikTok answers
 * with HTTP 200.
 */
import { createHash } from 'node:crypto';
import type { CleanEvent } from '../../pipeline/clean-event.js';
import type { ContractFixture } from '../connector.contract.js';

const page = { url: 'https://clinic.example/services', referrer: 'https://www.google.com/' };
const userAgent = { browser: 'Safari', browserMajor: '17', os: 'iOS', label: 'Safari 17 (iOS)' };
const viewed: CleanEvent = {
  eventId: '1616318632825_357',
  type: 'track',
  event: 'ViewContent',
  timestamp: '2026-11-24T09:59:00.000Z',
  anonymousId: 'k1:anon',
  properties: { content_type: 'product', value: 100, currency: 'USD' },
  traits: {},
  context: { page, userAgent, consent: { analytics: true, advertising: true, authorization: false, gpc: false } },
};
const authorized: CleanEvent = {
  ...viewed,
  eventId: '1616318632825_358',
  event: 'SubmitForm',
  properties: {},
  context: { page, userAgent, consent: { analytics: true, advertising: true, authorization: true, gpc: false } },
  identifiers: { clickIds: { ttclid: 'E.C.P.v3ZxPQ' }, emailSha256: 'c'.repeat(64), phoneSha256: 'd'.repeat(64) },
};
const pageView: CleanEvent = { ...viewed, eventId: '1616318632825_359', type: 'page', event: '$pageview', properties: {} };
const externalId = createHash('sha256').update('k1:anon').digest('hex');
const agent = 'Mozilla/5.0 (iOS) Safari/17';
const ok = (body: unknown) => ({ status: 200, headers: {}, body: JSON.stringify(body) });

export const fixture: ContractFixture = {
  settings: {
    config: { pixelCode: 'C4ABCDEFGH1234567890', accessToken: 'env:TIKTOK_ACCESS_TOKEN', endpoint: 'https://tiktok.sandbox.test' },
    resolved: { pixelCode: 'C4ABCDEFGH1234567890', accessToken: 'tt-token', endpoint: 'https://tiktok.sandbox.test' },
  },
  destination: { consent: 'advertising', identifiers: { clickIds: 'with-authorization', contactHashes: 'with-authorization' } },
  requests: [
    {
      name: 'a view, an authorized form submission and a page view',
      events: [viewed, authorized, pageView],
      expect: {
        url: 'https://tiktok.sandbox.test/open_api/v1.3/event/track/',
        headers: { 'content-type': 'application/json', 'access-token': 'tt-token' },
        body: {
          event_source: 'web',
          event_source_id: 'C4ABCDEFGH1234567890',
          data: [
            {
              event: 'ViewContent',
              event_time: 1795514340,
              event_id: '1616318632825_357',
              user: { external_id: externalId, user_agent: agent },
              limited_data_use: true,
              page,
              properties: { content_type: 'product', value: 100, currency: 'USD' },
            },
            {
              event: 'SubmitForm',
              event_time: 1795514340,
              event_id: '1616318632825_358',
              user: { external_id: externalId, user_agent: agent, ttclid: 'E.C.P.v3ZxPQ', email: 'c'.repeat(64), phone: 'd'.repeat(64) },
              limited_data_use: false,
              page,
            },
            { event: 'Pageview', event_time: 1795514340, event_id: '1616318632825_359', user: { external_id: externalId, user_agent: agent }, limited_data_use: true, page },
          ],
        },
      },
    },
  ],
  responses: [
    { name: 'code 0', response: ok({ code: 0, message: 'OK', request_id: 'r1', data: {} }), batch: 2, expect: { kind: 'ok' } },
    {
      name: 'code 40100 (rate limit) in a 200',
      response: ok({ code: 40100, message: 'Too many requests', request_id: 'r2' }),
      batch: 2,
      expect: { kind: 'retry', reason: 'TikTok code 40100: Too many requests' },
    },
    {
      name: 'code 40002 (parameter error) in a batch: split',
      response: ok({ code: 40002, message: 'Invalid parameter', request_id: 'r3' }),
      batch: 3,
      expect: { kind: 'split', reason: 'TikTok code 40002: Invalid parameter' },
    },
    {
      name: 'code 40105 (token)',
      response: ok({ code: 40105, message: 'Access token is incorrect', request_id: 'r4' }),
      batch: 2,
      expect: { kind: 'abort', reason: 'TikTok code 40105: Access token is incorrect' },
    },
    { name: 'HTTP 502', response: { status: 502, headers: {}, body: '' }, batch: 2, expect: { kind: 'retry', reason: 'TikTok HTTP 502' } },
  ],
};
