import { describe, expect, it } from 'vitest';
import { browserSchema } from '@palisade/schema';
import { buildPolicy, cspHeaders } from './build-policy.js';

const browser = (input: Record<string, unknown> = {}) => browserSchema.parse(input);

describe('CSP', () => {
  it('allows only the page itself by default (frames: its own pages) and reports violations', () => {
    const policy = buildPolicy(browser());
    expect(policy).toBe(
      [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "frame-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
        'report-uri /v1/csp-report',
      ].join('; '),
    );
    expect(policy).not.toContain('strict-dynamic');
    expect(policy).not.toContain('*');
  });

  it('adds the relay, allowlisted origins and embeds where they are needed', () => {
    const policy = buildPolicy(
      browser({
        relayOrigin: 'https://collect.clinic.example',
        allowOrigins: ['https://cdn.clinic.example'],
        allowEmbeds: ['https://www.youtube-nocookie.com'],
        csp: { inlineScripts: false },
      }),
    );
    expect(policy).toContain("script-src 'self' https://collect.clinic.example https://cdn.clinic.example;");
    expect(policy).toContain("connect-src 'self' https://collect.clinic.example https://cdn.clinic.example;");
    expect(policy).toContain("img-src 'self' data: https://collect.clinic.example https://cdn.clinic.example;");
    expect(policy).toContain("frame-src 'self' https://www.youtube-nocookie.com;");
    expect(policy).toContain('report-uri https://collect.clinic.example/v1/csp-report');
    expect(policy).not.toContain("script-src 'self' 'unsafe-inline'");
  });

  it('is report-only until the owner switches it to enforce', () => {
    expect(cspHeaders(browser()).name).toBe('Content-Security-Policy-Report-Only');
    const enforced = cspHeaders(browser({ csp: { mode: 'enforce' } }));
    expect(enforced.name).toBe('Content-Security-Policy');
    expect(enforced.reportingEndpoints('https://clinic.example')).toBeUndefined();
  });

  it('adds the Reporting API only when asked (Chromium then ignores report-uri)', () => {
    const withReportTo = cspHeaders(browser({ csp: { reportTo: true } }));
    expect(withReportTo.value).toMatch(/report-uri \/v1\/csp-report; report-to palisade$/);
    expect(withReportTo.reportingEndpoints('https://clinic.example')).toBe('palisade="https://clinic.example/v1/csp-report"');
    expect(cspHeaders(browser({ relayOrigin: 'https://r.example', csp: { reportTo: true } })).reportingEndpoints('https://clinic.example')).toBe(
      'palisade="https://r.example/v1/csp-report"',
    );
  });

  it('refuses anything but origins in the lists', () => {
    expect(browserSchema.safeParse({ allowOrigins: ['https://*.google.com'] }).success).toBe(false);
    expect(browserSchema.safeParse({ allowEmbeds: ["'unsafe-inline'"] }).success).toBe(false);
  });
});

describe('one browser policy for the CSP and the pixel guard', () => {
  it('lets both reach the same origins for every resource type the guard sees', async () => {
    const { judge } = await import('../../../sdk/src/guard/policy.js');
    const { guardPolicy } = await import('./browser-policy.js');
    const config = browser({
      relayOrigin: 'https://collect.clinic.example',
      allowOrigins: ['https://cdn.clinic.example'],
      allowEmbeds: ['https://www.youtube-nocookie.com'],
    });
    const page = 'https://clinic.example';
    const candidates = [page, 'https://collect.clinic.example', 'https://cdn.clinic.example', 'https://www.youtube-nocookie.com', 'https://connect.facebook.net'];
    const directives = new Map(
      buildPolicy(config)
        .split('; ')
        .map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)]),
    );
    // A CSP source list allows an origin when it names it, or names 'self' for the page's own.
    const cspAllows = (directive: string, origin: string) => {
      const sources = directives.get(directive)!;
      if (sources.includes("'none'")) return false;
      return sources.includes(origin) || (origin === page && sources.includes("'self'"));
    };
    // The served guard policy, as the SDK reads it from the script the relay serves.
    const isBlocked = judge(page, guardPolicy(config));
    const pairs = [
      ['script-src', 'script'],
      ['style-src', 'link'],
      ['img-src', 'image'],
      ['media-src', 'media'],
      ['connect-src', 'connect'],
      ['frame-src', 'frame'],
      ['form-action', 'form'],
    ] as const;
    for (const [directive, kind] of pairs) {
      for (const origin of candidates) {
        expect(isBlocked(`${origin}/x`, `${page}/`, kind) === undefined, `${directive} ${origin}`).toBe(cspAllows(directive, origin));
      }
    }
    // Plugins: the CSP allows none; the guard lets no third party have one.
    for (const origin of candidates.slice(1)) expect(isBlocked(`${origin}/x`, `${page}/`, 'object')).toBeDefined();
  });
});
