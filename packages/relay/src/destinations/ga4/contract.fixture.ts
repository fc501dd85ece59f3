/** GA4's contract fixture: recorded clean events and the Measurement Protocol request they make. */
import type { CleanEvent } from '../../pipeline/clean-event.js';
import type { ContractFixture } from '../connector.contract.js';

const visitor = { anonymousId: 'k1:anon', userId: 'k1:user' };
const page = { url: 'https://clinic.example/book', referrer: 'https://www.google.com/' };
const booked: CleanEvent = {
  eventId: 'e1',
  type: 'track',
  event: 'Appointment Booked',
  timestamp: '2026-11-24T09:59:00.000Z',
  ...visitor,
  properties: { service_line: 'cardiology', appointment: { type: 'new' } },
  traits: {},
  context: { page, sessionId: 1795500000 },
};
const viewed: CleanEvent = {
  eventId: 'e2',
  type: 'page',
  event: '$pageview',
  timestamp: '2026-11-24T09:58:00.000Z',
  ...visitor,
  properties: {},
  traits: {},
  context: { page: { ...page, title: 'Book a visit' }, sessionId: 1795500000 },
};

export const fixture: ContractFixture = {
  settings: {
    config: { measurementId: 'G-TEST1234', apiSecret: 'env:GA4_API_SECRET', endpoint: 'https://ga4.sandbox.test' },
    resolved: { measurementId: 'G-TEST1234', apiSecret: 'sekrit', endpoint: 'https://ga4.sandbox.test' },
  },
  requests: [
    {
      name: 'a booking and a page view of one visitor',
      events: [booked, viewed],
      expect: {
        url: 'https://ga4.sandbox.test/mp/collect?measurement_id=G-TEST1234&api_secret=sekrit',
        headers: { 'content-type': 'application/json' },
        body: {
          client_id: 'k1:anon',
          user_id: 'k1:user',
          // The recorded events carry no consent: nothing about the person is for advertising.
          consent: { ad_user_data: 'DENIED', ad_personalization: 'DENIED' },
          events: [
            {
              name: 'appointment_booked',
              timestamp_micros: Date.parse('2026-11-24T09:59:00.000Z') * 1000,
              params: {
                session_id: 1795500000,
                engagement_time_msec: 100,
                page_location: page.url,
                page_referrer: page.referrer,
                service_line: 'cardiology',
                appointment_type: 'new',
              },
            },
            {
              name: 'page_view',
              timestamp_micros: Date.parse('2026-11-24T09:58:00.000Z') * 1000,
              params: { session_id: 1795500000, engagement_time_msec: 100, page_location: page.url, page_referrer: page.referrer, page_title: 'Book a visit' },
            },
          ],
        },
      },
    },
  ],
  responses: [
    { name: '204 (GA4 answers 2xx even for malformed events)', response: { status: 204, headers: {}, body: '' }, batch: 2, expect: { kind: 'ok' } },
    { name: '500', response: { status: 500, headers: {}, body: '' }, batch: 2, expect: { kind: 'retry', reason: 'HTTP 500' } },
    {
      name: '429 with Retry-After',
      response: { status: 429, headers: { 'retry-after': '30' }, body: '' },
      batch: 2,
      expect: { kind: 'retry', reason: 'HTTP 429', retryAfterMs: 30_000 },
    },
    { name: '403 (bad api_secret)', response: { status: 403, headers: {}, body: '' }, batch: 2, expect: { kind: 'abort', reason: 'HTTP 403' } },
  ],
};
