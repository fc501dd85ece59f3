/** The webhook's contract fixture: recorded clean events and the signed batch they make. */
import type { CleanEvent } from '../../pipeline/clean-event.js';
import type { ContractFixture } from '../connector.contract.js';

const booked: CleanEvent = {
  eventId: 'e1',
  type: 'track',
  event: 'Appointment Booked',
  timestamp: '2026-11-24T09:59:00.000Z',
  anonymousId: 'k1:anon',
  properties: { service_line: 'cardiology', appointment: { type: 'new' } },
  traits: {},
  context: { page: { path: '/book' } },
};
const identified: CleanEvent = {
  eventId: 'e2',
  type: 'identify',
  event: '$identify',
  timestamp: '2026-11-24T09:59:30.000Z',
  anonymousId: 'k1:anon',
  userId: 'k1:user',
  properties: {},
  traits: { plan: 'gold' },
  context: {},
};

export const fixture: ContractFixture = {
  settings: {
    config: { url: 'https://hooks.sandbox.test/in', secret: 'env:WEBHOOK_SECRET' },
    resolved: { url: 'https://hooks.sandbox.test/in', secret: 'whsec' },
  },
  requests: [
    {
      name: 'a booking and an identify',
      events: [booked, identified],
      expect: {
        url: 'https://hooks.sandbox.test/in',
        headers: { 'content-type': 'application/json' },
        body: { batch: [booked, identified], sentAt: '2026-11-24T10:00:00.000Z' },
      },
    },
  ],
  responses: [
    { name: '200', response: { status: 200, headers: {}, body: 'ok' }, batch: 1, expect: { kind: 'ok' } },
    {
      name: '503 with Retry-After',
      response: { status: 503, headers: { 'retry-after': '5' }, body: '' },
      batch: 1,
      expect: { kind: 'retry', reason: 'HTTP 503', retryAfterMs: 5000 },
    },
    { name: '410', response: { status: 410, headers: {}, body: '' }, batch: 1, expect: { kind: 'abort', reason: 'HTTP 410' } },
  ],
};
