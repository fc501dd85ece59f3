import type { PageRecord } from './types.js';

/** A page record before anything was seen on it. */
export function newPageRecord(page: Pick<PageRecord, 'url' | 'template' | 'consent' | 'consentApplied' | 'startedAt'>): PageRecord {
  return {
    ...page,
    requests: [],
    cookies: [],
    frameStorage: [],
    hints: [],
    csp: { enforce: [], reportOnly: [] },
    cspViolations: [],
    headScripts: [],
    code: [],
    formsFilled: 0,
  };
}
