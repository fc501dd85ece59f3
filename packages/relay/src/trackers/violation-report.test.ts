import { describe, expect, it } from 'vitest';
import { parseViolationReports } from './violation-report.js';

describe('CSP violation reports', () => {
  it('reads report-uri bodies, keeping the origin only', () => {
    expect(
      parseViolationReports({
        'csp-report': {
          'document-uri': 'https://clinic.example/patients/48213/book?email=jane%40x.com',
          'blocked-uri': 'https://www.facebook.com/tr?id=1&ev=PageView&ud[em]=abc',
          'effective-directive': 'img-src',
          'violated-directive': 'img-src',
          'original-policy': "default-src 'self'",
        },
      }),
    ).toEqual([{ origin: 'https://www.facebook.com', kind: 'image', page: '/patients/:id/book', vendor: 'Meta (Facebook)' }]);
  });

  it('reads Reporting API batches and skips other report types and non-URL blocks', () => {
    expect(
      parseViolationReports([
        {
          type: 'csp-violation',
          url: 'https://clinic.example/',
          body: { documentURL: 'https://clinic.example/', blockedURL: 'https://www.googletagmanager.com/gtm.js?id=GTM-X', effectiveDirective: 'script-src-elem' },
        },
        { type: 'csp-violation', body: { documentURL: 'https://clinic.example/a', blockedURL: 'inline', effectiveDirective: 'script-src-elem' } },
        { type: 'deprecation', body: { id: 'x' } },
        { type: 'csp-violation', body: { documentURL: 'https://clinic.example/b', blockedURL: 'wss://ws.hotjar.com/api', effectiveDirective: 'connect-src' } },
      ]),
    ).toEqual([
      { origin: 'https://www.googletagmanager.com', kind: 'script', page: '/', vendor: 'Google Tag Manager' },
      { origin: 'wss://ws.hotjar.com', kind: 'connect', page: '/b', vendor: 'Hotjar' },
    ]);
  });

  it('refuses bodies in neither format', () => {
    expect(parseViolationReports({ hello: 'world' })).toBeUndefined();
    expect(parseViolationReports('x')).toBeUndefined();
  });
});
