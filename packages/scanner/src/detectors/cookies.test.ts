import { describe, expect, it } from 'vitest';
import { canarySearch, makeCanaries } from '../canaries.js';
import type { PageRecord } from '../types.js';
import { cookieFindings } from './cookies.js';

const ctx = {
  siteOrigins: new Set(['https://www.clinic.example']),
  relayOrigins: new Set(['https://t.clinic.example']),
  allowOrigins: new Map(),
  findCanaries: canarySearch(makeCanaries()),
};

describe('third-party cookies', () => {
  it("report a cookie of another site's domain, not the site's own (any subdomain) or the relay's", () => {
    const page = {
      url: 'https://www.clinic.example/',
      template: '/',
      consent: 'denied',
      cookies: [
        { name: 'session', domain: 'www.clinic.example', path: '/', secure: true, sameSite: 'Lax' },
        { name: 'pref', domain: '.clinic.example', path: '/', secure: true, sameSite: 'Lax' },
        { name: '_fbp', domain: '.facebook.com', path: '/', secure: true, sameSite: 'None' },
      ],
    } as unknown as PageRecord;
    const found = cookieFindings(page, ctx);
    expect(found.map((f) => [f.title, f.vendor])).toEqual([['Cookie _fbp set for facebook.com (Facebook)', 'Facebook']]);
  });
});
