/**
 * JUnit XML: one test suite per consent state, one test case per page and check, so a CI system
 * shows which page failed which check under which state. A check fails with the findings it made.
 */
import type { FindingKind, ScanResult } from '../types.js';
import { escapeXml } from './escape.js';

const CHECKS: { name: string; kinds: FindingKind[] }[] = [
  { name: 'no third-party requests', kinds: ['third-party-request'] },
  { name: 'no canary leaves the site', kinds: ['canary-leak'] },
  { name: 'consent respected', kinds: ['consent-violation'] },
  { name: 'no third-party cookies or storage', kinds: ['third-party-cookie', 'third-party-storage'] },
  { name: 'no third-party connection hints', kinds: ['third-party-hint'] },
  { name: 'Palisade tag first in head', kinds: ['tag-missing', 'tag-not-first'] },
  { name: 'Content-Security-Policy enforced', kinds: ['csp-missing', 'csp-report-only', 'csp-weak'] },
  { name: 'no PHI-collecting page code', kinds: ['phi-collection-code'] },
];

export function junitReport(result: ScanResult): string {
  const failing = new Set(result.newFindings.map((f) => f.id));
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const state of result.consent) {
    const cases: string[] = [];
    let suiteFailures = 0;
    for (const page of result.pages.filter((p) => p.consent === state)) {
      for (const check of CHECKS) {
        const found = result.findings.filter((f) => failing.has(f.id) && check.kinds.includes(f.kind) && f.seenOn.some((s) => s.page === page.url && s.consent === state));
        tests++;
        const name = escapeXml(`${page.template} [${state}]: ${check.name}`);
        const classname = escapeXml(`palisade.scan.${state}`);
        if (page.error) {
          cases.push(`    <testcase classname="${classname}" name="${name}"><error message="${escapeXml(page.error)}"/></testcase>`);
          failures++;
          suiteFailures++;
        } else if (found.length > 0) {
          failures++;
          suiteFailures++;
          const text = found.map((f) => `${f.id} ${f.severity}: ${f.title}\n  why: ${f.why}\n  fix: ${f.fix}`).join('\n');
          cases.push(
            `    <testcase classname="${classname}" name="${name}"><failure message="${escapeXml(found.map((f) => f.title).join('; '))}">${escapeXml(text)}</failure></testcase>`,
          );
        } else {
          cases.push(`    <testcase classname="${classname}" name="${name}"/>`);
        }
      }
    }
    suites.push(`  <testsuite name="palisade scan (${state} consent)" tests="${cases.length}" failures="${suiteFailures}">\n${cases.join('\n')}\n  </testsuite>`);
  }
  if (result.relay) {
    // What the relay forwarded is checked once for the whole scan.
    const leaks = result.findings.filter((f) => failing.has(f.id) && f.kind === 'relay-canary-leak');
    tests++;
    failures += leaks.length > 0 ? 1 : 0;
    const body =
      leaks.length > 0 ? `<failure message="${escapeXml(leaks.map((f) => f.title).join('; '))}">${escapeXml(leaks.map((f) => `${f.id}: ${f.why}`).join('\n'))}</failure>` : '';
    suites.push(
      `  <testsuite name="palisade scan (relay)" tests="1" failures="${leaks.length > 0 ? 1 : 0}">\n    <testcase classname="palisade.scan.relay" name="what the relay forwarded holds no canary"${body ? `>${body}</testcase>` : '/>'}\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="palisade scan" tests="${tests}" failures="${failures}">\n${suites.join('\n')}\n</testsuites>\n`;
}
