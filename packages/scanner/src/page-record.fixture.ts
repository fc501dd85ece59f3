import { newPageRecord } from './page-record.js';
import type { PageRecord } from './types.js';

/** A scanned page with nothing in it, for detector tests to fill in. */
export function pageRecord(overrides: Partial<PageRecord> = {}): PageRecord {
  return {
    ...newPageRecord({ url: 'https://clinic.example/', template: '/', consent: 'denied', consentApplied: true, startedAt: '2026-11-30T00:00:00.000Z' }),
    status: 200,
    ...overrides,
  };
}
