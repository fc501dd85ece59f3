/** Shared by the pipeline's tests: a destination config and a context with real masking. */
import type { DestinationConfig } from '@palisade/schema';
import { destinationSchema } from '../config/config-schema.js';
import { createEventIdMask, createMask, deriveDestinationKey } from './hmac-mask.js';
import type { PipelineContext, PrivacyRules } from './transform.js';

export const TEST_MASTER_KEY = Buffer.from('0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff', 'hex');

export function destination(overrides: Record<string, unknown> = {}): DestinationConfig {
  return destinationSchema.parse({
    id: 'ga4-main',
    type: 'ga4',
    settings: { measurementId: 'G-TEST1234', apiSecret: 'env:GA4_API_SECRET' },
    allow: {
      production: {
        events: ['Appointment Booked', '$pageview', '$identify', '$group', '$alias', '$screen'],
        eventProperties: { service_line: 'allow', clinic_id: 'allow', email: 'mask', 'appointment.type': 'allow' },
        userProperties: { plan: 'allow' },
        groupProperties: { clinic_type: 'allow' },
      },
    },
    ...overrides,
  });
}

export function testRules(overrides: Partial<PrivacyRules> = {}): PrivacyRules {
  return {
    keepQueryParams: new Set(['utm_source', 'utm_medium', 'utm_campaign']),
    phoneCountryCode: '1',
    pageOrigins: new Set(['https://clinic.example']),
    libraries: new Set(),
    maxValueLength: 1024,
    maxValueLengths: {},
    ...overrides,
  };
}

export function context(destinationId = 'ga4-main', overrides: Partial<PipelineContext> = {}): PipelineContext {
  const key = deriveDestinationKey(TEST_MASTER_KEY, destinationId);
  return {
    environment: 'production',
    rules: testRules(),
    mask: createMask('k1', key),
    eventId: createEventIdMask(key),
    receivedAt: '2026-11-24T10:00:00.000Z',
    ...overrides,
  };
}
