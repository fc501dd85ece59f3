import { describe, expect, it } from 'vitest';
import { destination } from './pipeline.fixture.js';
import { isStoredEvent, recheck, type StoredEvent } from './stored-event.js';

const mask = (v: string | number | boolean) => `M(${v})`;
const stored: StoredEvent = {
  v: 1,
  env: 'production',
  key: 'Appointment Booked',
  masked: ['email'],
  event: {
    eventId: 'e',
    type: 'track',
    event: 'Appointment Booked',
    name: 'Book',
    timestamp: '2026-11-24T10:00:00.000Z',
    properties: { service_line: 'cardiology', clinic_id: 'north-7', email: 'k1:masked', appointment: { type: 'new', room: '12' } },
    traits: {},
    context: { page: { path: '/book', title: 'Book a visit' }, userAgentFull: 'Mozilla/5.0' },
  },
};

describe("recheck: today's policy over a stored event", () => {
  it("checks the visitor's stored consent under the destination's category as it is now", () => {
    const allow = { production: { events: ['Appointment Booked'] } };
    const withConsent = (consent: NonNullable<StoredEvent['event']['context']['consent']>) => ({ ...stored, event: { ...stored.event, context: { consent } } });
    const analyticsOnly = withConsent({ analytics: true, advertising: false, authorization: false, gpc: false });
    expect(recheck(analyticsOnly, destination({ consent: 'analytics', allow }), mask)).not.toHaveProperty('dropped');
    expect(recheck(analyticsOnly, destination({ consent: 'advertising', allow }), mask)).toEqual({ dropped: 'consent not granted for this destination now' });
    const gpcOnly = withConsent({ authorization: false, gpc: true, categoriesUnknown: true });
    expect(recheck(gpcOnly, destination({ consent: 'analytics', allow }), mask)).not.toHaveProperty('dropped');
    expect(recheck(gpcOnly, destination({ consent: 'advertising', allow }), mask)).toHaveProperty('dropped');
    // A server-side event without consent information passes, as at ingest.
    expect(recheck(stored, destination({ consent: 'advertising', allow }), mask)).not.toHaveProperty('dropped');
  });

  it('keeps what is still allowed and never masks twice', () => {
    const r = recheck(
      stored,
      destination({
        allow: { production: { events: ['Appointment Booked'], eventProperties: { service_line: 'allow', email: 'mask', 'appointment.type': 'allow' }, pageTitle: true } },
      }),
      mask,
    );
    expect(r).toEqual({
      event: {
        ...stored.event,
        properties: { service_line: 'cardiology', email: 'k1:masked', appointment: { type: 'new' } },
        context: { page: { path: '/book', title: 'Book a visit' } },
      },
    });
  });

  it('masks what is masked now, drops titles and the full user agent no longer allowed', () => {
    const r = recheck(stored, destination({ allow: { production: { events: ['Appointment Booked'], eventProperties: { clinic_id: 'mask' } } } }), mask);
    if (!('event' in r)) throw new Error('dropped');
    expect(r.event.properties).toEqual({ clinic_id: 'M(north-7)' });
    expect(r.event.name).toBeUndefined();
    expect(r.event.context).toEqual({ page: { path: '/book' } });
  });

  it('drops events whose name or environment is no longer allowed, and screens again in HIPAA mode', () => {
    expect(recheck(stored, destination({ allow: { production: { events: ['Other'] } } }), mask)).toEqual({ dropped: 'event no longer allowed' });
    expect(recheck(stored, destination({ allow: { staging: { events: ['Appointment Booked'] } } }), mask)).toEqual({ dropped: 'environment no longer allowed' });
    // Stored under a BAA in clear; HIPAA mode is back on, so the screen runs again.
    const underBaa = { ...stored, event: { ...stored.event, properties: { note: 'call 555-867-5309' } } };
    const r = recheck(underBaa, destination({ allow: { production: { events: ['Appointment Booked'], eventProperties: { note: 'allow' } } } }), mask);
    expect('event' in r && r.event.properties).toEqual({});
    // Screened at ingest already: not screened twice (delivery costs no second screen).
    const screened = recheck({ ...underBaa, screened: true }, destination({ allow: { production: { events: ['Appointment Booked'], eventProperties: { note: 'allow' } } } }), mask);
    expect('event' in screened && screened.event.properties).toEqual({ note: 'call 555-867-5309' });
  });

  it('recognises stored events of this version only', () => {
    expect(isStoredEvent(stored)).toBe(true);
    expect(isStoredEvent({ ...stored, v: 2 })).toBe(false);
    expect(isStoredEvent({ client_id: 'x', events: [] })).toBe(false);
  });
});
