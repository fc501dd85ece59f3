import { describe, expect, it } from 'vitest';
import type { CleanEvent } from '../../pipeline/clean-event.js';
import { applyMapping, mergeMapping, type MappedEvent } from '../mapping.js';
import { ga4Connector } from './index.js';
import { ga4EventName, ga4Name } from './names.js';

/** What the delivery worker does with a clean event: the default mapping, then GA4's format. */
const map = (e: CleanEvent, mapping = ga4Connector.defaultMapping) => {
  const mapped = applyMapping(e, mapping);
  if ('dropped' in mapped) return mapped;
  return ga4Connector.format(mapped as MappedEvent, settings, { now: now.getTime() });
};

const settings = { measurementId: 'G-TEST1234', apiSecret: 'sekrit', endpoint: 'http://127.0.0.1:9/ga4/' };
const now = new Date('2026-11-24T10:00:00.000Z');

function event(overrides: Partial<CleanEvent> = {}): CleanEvent {
  return {
    eventId: 'e1',
    type: 'track',
    event: 'Appointment Booked',
    timestamp: '2026-11-24T09:59:00.000Z',
    anonymousId: 'k1:anon',
    userId: 'k1:user',
    properties: { service_line: 'cardiology', appointment: { type: 'new' }, tags: ['a', 'b'], ok: true },
    traits: {},
    context: { page: { url: 'https://clinic.example/book', referrer: 'https://www.google.com' }, sessionId: 1795500000 },
    ...overrides,
  };
}

describe('GA4 names', () => {
  it('follows the Measurement Protocol naming rules', () => {
    expect(ga4EventName('Appointment Booked')).toBe('appointment_booked');
    expect(ga4Connector.defaultMapping.events.$pageview).toBe('page_view');
    expect(ga4Connector.defaultMapping.events.$group).toBe('join_group');
    expect(ga4EventName('session_start')).toBeUndefined();
    expect(ga4EventName('!!!')).toBeUndefined();
    expect(ga4Name('google_thing')).toBe('x_google_thing');
    expect(ga4Name('9 lives and a very long name that keeps on going forever')).toBe('lives_and_a_very_long_name_that_keeps_on');
    expect(ga4Name('a'.repeat(60))).toHaveLength(40);
  });
});

describe('GA4 connector', () => {
  it('maps a clean event with session_id and engagement_time_msec in params', () => {
    const mapped = map(event());
    expect(mapped).toEqual({
      batchKey: 'k1:anon|k1:user|DENIED',
      decision: 'ad_user_data=DENIED, ad_personalization=DENIED because the event carried no consent',
      payload: {
        client_id: 'k1:anon',
        user_id: 'k1:user',
        consent: { ad_user_data: 'DENIED', ad_personalization: 'DENIED' },
        events: [
          {
            name: 'appointment_booked',
            timestamp_micros: Date.parse('2026-11-24T09:59:00.000Z') * 1000,
            params: {
              session_id: 1795500000,
              engagement_time_msec: 100,
              page_location: 'https://clinic.example/book',
              page_referrer: 'https://www.google.com',
              service_line: 'cardiology',
              appointment_type: 'new',
              tags: 'a,b',
              ok: 'true',
            },
          },
        ],
      },
    });
  });

  it('puts identify traits into user_properties within GA4 limits', () => {
    const mapped = map(event({ type: 'identify', event: '$identify', traits: { plan: 'x'.repeat(50), a_very_long_user_property_name: 1 } }));
    expect('payload' in mapped && mapped.payload.user_properties).toEqual({ plan: { value: 'x'.repeat(36) }, a_very_long_user_propert: { value: 1 } });
  });

  it('drops what GA4 cannot take', () => {
    expect(map(event({ type: 'alias', event: '$alias' }))).toEqual({ dropped: 'GA4 has no alias call' });
    expect(map(event({ event: 'first_visit' }))).toEqual({ dropped: 'event name is not usable in GA4 (empty or reserved)' });
  });

  it("takes the destination's mapping: renamed events and parameters, constants, defaults, dropped events", () => {
    const mapping = mergeMapping(ga4Connector.defaultMapping, {
      events: { 'Appointment Booked': 'generate_lead', 'Form Viewed': false },
      properties: { service_line: 'item_category', 'appointment.type': 'visit_kind' },
      constants: { currency: 'USD' },
      defaults: { value: 0, service_line: 'none' },
      unmapped: 'drop',
    });
    const mapped = map(event(), mapping);
    if (!('payload' in mapped)) throw new Error('mapped');
    expect(mapped.payload.events[0]).toMatchObject({
      name: 'generate_lead',
      params: { item_category: 'cardiology', visit_kind: 'new', currency: 'USD', value: 0, service_line: 'none' },
    });
    expect(mapped.payload.events[0]!.params.tags).toBeUndefined();
    expect(map(event({ event: 'Form Viewed' }), mapping)).toEqual({ dropped: 'event not mapped for this destination' });
    // A mapping reads only the clean event: a path the allowlist did not admit maps to nothing.
    const ghost = map(event(), mergeMapping(ga4Connector.defaultMapping, { events: {}, properties: { email: 'em' }, constants: {}, defaults: {} }));
    expect('payload' in ghost && ghost.payload.events[0]!.params.em).toBeUndefined();
  });

  it('caps params at 25 per event', () => {
    const properties = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`p${i}`, i]));
    const mapped = map(event({ properties }));
    expect('payload' in mapped && Object.keys(mapped.payload.events[0]!.params)).toHaveLength(25);
  });

  it('builds one request per batch, without timestamps GA4 would refuse', () => {
    const fresh = map(event());
    const stale = map(event({ timestamp: '2026-11-20T00:00:00.000Z', eventId: 'e2' }));
    if (!('payload' in fresh) || !('payload' in stale)) throw new Error('mapped');
    const request = ga4Connector.buildRequest([fresh.payload, stale.payload], settings, { now });
    const url = new URL(request.url);
    expect(url.origin + url.pathname).toBe('http://127.0.0.1:9/ga4/mp/collect');
    expect(url.searchParams.get('measurement_id')).toBe('G-TEST1234');
    expect(url.searchParams.get('api_secret')).toBe('sekrit');
    const body = JSON.parse(request.body);
    expect(body.events).toHaveLength(2);
    expect(body.events[0].timestamp_micros).toBeDefined();
    expect(body.events[1].timestamp_micros).toBeUndefined();
  });

  it('classifies responses: 2xx ok, 429/5xx/408 retry with Retry-After, other 4xx abort', () => {
    const r = (status: number, headers: Record<string, string> = {}) => ga4Connector.classify({ status, headers, body: '' }, []);
    expect(r(204)).toEqual({ kind: 'ok' });
    expect(r(503)).toEqual({ kind: 'retry', reason: 'HTTP 503' });
    expect(r(429, { 'retry-after': '7' })).toEqual({ kind: 'retry', reason: 'HTTP 429', retryAfterMs: 7000 });
    expect(r(408)).toEqual({ kind: 'retry', reason: 'HTTP 408' });
    expect(r(400)).toEqual({ kind: 'abort', reason: 'HTTP 400' });
    expect(r(403)).toEqual({ kind: 'abort', reason: 'HTTP 403' });
  });
});
