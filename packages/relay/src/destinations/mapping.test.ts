import { describe, expect, it } from 'vitest';
import type { CleanEvent } from '../pipeline/clean-event.js';
import { applyMapping, EMPTY_MAPPING, mergeMapping, nest } from './mapping.js';

const event: CleanEvent = {
  eventId: 'e',
  type: 'track',
  event: 'Appointment Booked',
  timestamp: '2026-11-24T10:00:00.000Z',
  properties: { service_line: 'cardiology', appointment: { type: 'new', clinic: 'north' } },
  traits: { plan: 'gold' },
  context: {},
};

describe('the mapping engine', () => {
  it('keeps names and allowed properties by default', () => {
    expect(applyMapping(event, EMPTY_MAPPING)).toEqual({
      name: 'Appointment Booked',
      event,
      params: { service_line: 'cardiology', 'appointment.type': 'new', 'appointment.clinic': 'north' },
    });
  });

  it('renames events and properties, drops the rest when asked, and sets constants and defaults', () => {
    const mapping = mergeMapping(EMPTY_MAPPING, {
      events: { 'Appointment Booked': 'book' },
      properties: { 'appointment.type': 'visit' },
      constants: { currency: 'USD', visit: 'fixed' },
      defaults: { value: 1, visit: 'none' },
      unmapped: 'drop',
    });
    expect(applyMapping(event, mapping)).toMatchObject({ name: 'book', params: { visit: 'fixed', currency: 'USD', value: 1 } });
    expect(applyMapping({ ...event, properties: {} }, mapping)).toMatchObject({ params: { visit: 'fixed', value: 1 } });
  });

  it('reads traits for identify and group, and drops events mapped to false', () => {
    expect(applyMapping({ ...event, type: 'identify', event: '$identify' }, EMPTY_MAPPING)).toMatchObject({ params: { plan: 'gold' } });
    expect(applyMapping(event, mergeMapping(EMPTY_MAPPING, { events: { 'Appointment Booked': false }, properties: {}, constants: {}, defaults: {} }))).toEqual({
      dropped: 'event not mapped for this destination',
    });
  });

  it('cannot reach what the clean event does not hold, nor the prototype', () => {
    const mapping = mergeMapping(EMPTY_MAPPING, { events: {}, properties: { email: 'em', constructor: 'c' }, constants: {}, defaults: {}, unmapped: 'drop' });
    expect(applyMapping(event, mapping)).toMatchObject({ params: {} });
    expect(applyMapping({ ...event, event: 'toString' }, EMPTY_MAPPING)).toMatchObject({ name: 'toString' });
    const nested = nest({ '__proto__.polluted': 1, 'a.b': 2 });
    expect(nested).toEqual({ a: { b: 2 } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
