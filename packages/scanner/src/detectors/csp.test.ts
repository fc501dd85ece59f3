import { describe, expect, it } from 'vitest';
import { pageRecord } from '../page-record.fixture.js';
import type { PageRecord } from '../types.js';
import { cspFindings, weaknesses } from './csp.js';

const page = (csp: PageRecord['csp']) => pageRecord({ csp });

describe('CSP checks', () => {
  it("accept a nonce-based policy that lists its hosts (the relay's kind)", () => {
    expect(weaknesses("default-src 'self'; script-src 'self' 'nonce-abc'; connect-src 'self'; img-src 'self' data:; frame-src 'none'")).toEqual([]);
    expect(weaknesses("default-src 'self'; script-src 'self' 'unsafe-inline' 'nonce-abc'")).toEqual([]);
  });

  it("name what makes a policy weak: 'unsafe-inline' without a nonce, wildcards, no default", () => {
    expect(weaknesses("default-src 'self'; script-src 'self' 'unsafe-inline'")).toEqual(["script-src allows 'unsafe-inline' without a nonce or hash"]);
    expect(weaknesses("default-src 'self'; script-src 'self' https:")).toEqual(['script-src allows https:']);
    expect(weaknesses("default-src 'self'; connect-src *")).toEqual(['connect-src allows any host']);
    expect(weaknesses("script-src 'self'")).toEqual([
      'no connect-src or default-src: connect requests may go anywhere',
      'no img-src or default-src: img requests may go anywhere',
      'no frame-src or default-src: frame requests may go anywhere',
    ]);
  });

  it('report a missing policy, a report-only one, and a weak one; several policies are as strong as the strongest', () => {
    expect(cspFindings(page({ enforce: [], reportOnly: [] }))[0]?.kind).toBe('csp-missing');
    expect(cspFindings(page({ enforce: [], reportOnly: ["default-src 'self'"] }))[0]?.kind).toBe('csp-report-only');
    expect(cspFindings(page({ enforce: ['default-src *'], reportOnly: [] }))[0]?.kind).toBe('csp-weak');
    expect(cspFindings(page({ enforce: ['default-src *', "default-src 'self'"], reportOnly: [] }))).toEqual([]);
  });
});
