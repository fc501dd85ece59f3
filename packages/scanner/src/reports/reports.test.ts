import { describe, expect, it } from 'vitest';
import { mergeFindings } from '../findings.js';
import { pageRecord } from '../page-record.fixture.js';
import type { ScanResult } from '../types.js';
import { harReport } from './har.js';
import { htmlReport } from './html.js';
import { junitReport } from './junit.js';
import { terminalSummary } from './terminal.js';

// A hostile site controls URLs, bodies and page names: every report must escape them.
const HOSTILE = 'https://evil.example/x?"><script>alert(1)</script>&q=\u0001';

function result(): ScanResult {
  const page = pageRecord({
    url: 'https://clinic.example/book',
    template: '/book',
    requests: [
      {
        url: HOSTILE,
        method: 'POST',
        resourceType: 'fetch',
        realm: 'page',
        realmUrl: 'https://clinic.example/book',
        initiators: [HOSTILE],
        body: '<img src=x onerror=alert(2)>',
        startedMs: 5,
      },
    ],
  });
  const findings = mergeFindings([
    {
      kind: 'third-party-request',
      severity: 'high',
      title: `Request to ${HOSTILE}`,
      template: '/book',
      destination: 'evil.example',
      why: 'w',
      fix: 'f',
      evidence: {
        page: page.url,
        consent: 'denied',
        request: { method: 'POST', url: HOSTILE, resourceType: 'fetch', realm: 'page', realmUrl: page.url, body: '<img src=x onerror=alert(2)>' },
        initiators: [HOSTILE],
      },
    },
  ]);
  return {
    startedAt: '2026-11-30T00:00:00.000Z',
    finishedAt: '2026-11-30T00:01:00.000Z',
    startUrls: ['https://clinic.example/'],
    consent: ['denied'],
    pages: [page],
    findings,
    newFindings: findings,
    canaries: [],
    relayOrigins: [],
    blocked: [{ destination: HOSTILE, by: 'csp', pages: [HOSTILE], consent: ['denied'] }],
  };
}

describe('reports', () => {
  it('HTML: self-contained, every scanned value escaped', () => {
    const html = htmlReport(result());
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script|<link /);
  });

  it('JUnit: one case per page and check, failures carry the finding, XML stays well-formed', () => {
    const xml = junitReport(result());
    expect(xml.match(/<testcase /g)).toHaveLength(8);
    expect(xml).toMatch(
      /<testcase classname="palisade\.scan\.denied" name="\/book \[denied\]: no third-party requests"><failure message="Request to https:\/\/evil\.example\/x\?&quot;&gt;&lt;script&gt;/,
    );
    expect(xml).not.toContain('\u0001');
    expect(xml).toMatch(/tests="8" failures="1"/);
  });

  it('HAR: every request, with the findings it is evidence for', () => {
    const har = JSON.parse(harReport(result(), '0.1.0'));
    expect(har.log.entries).toHaveLength(1);
    expect(har.log.entries[0]._palisade.findings).toEqual([result().findings[0]!.id]);
    expect(har.log.entries[0].request.postData.text).toBe('<img src=x onerror=alert(2)>');
  });

  it('terminal: a line per finding with its id, and the baseline count', () => {
    const r = result();
    expect(terminalSummary(r)).toMatch(/1 finding:\n {2}HIGH {5}Request to .* \[\/book; denied\] {2}third-party-request:[0-9a-f]{12}/);
    expect(terminalSummary({ ...r, newFindings: [] }, { baseline: true })).toContain('1 finding, 0 not in the baseline.');
    // A terminal escape in a hostile URL is not passed through.
    expect(terminalSummary(r)).not.toContain('\u0001');
  });
});
