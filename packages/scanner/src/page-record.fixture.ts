import type { PageRecord } from './types.js';

/** A scanned page with nothing in it, for detector tests to fill in. */
export function pageRecord(overrides: Partial<PageRecord> = {}): PageRecord {
  return {
    url: 'https://clinic.example/',
    startedAt: '2026-11-30T00:00:00.000Z',
    template: '/',
    consent: 'denied',
    consentApplied: true,
    status: 200,
    requests: [],
    cookies: [],
    frameStorage: [],
    hints: [],
    csp: { enforce: [], reportOnly: [] },
    cspViolations: [],
    headScripts: [],
    code: [],
    formsFilled: 0,
    ...overrides,
  };
}
