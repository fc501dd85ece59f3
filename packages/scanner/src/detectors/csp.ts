/**
 * The Content-Security-Policy in force. The browser's policy is the backstop for what the guard
 * cannot reach (a frame's own document, a request made before the tag runs).
 */
import type { FindingDraft } from '../findings.js';
import type { PageRecord } from '../types.js';

type Policy = Map<string, string[]>;

function parse(header: string): Policy {
  const policy: Policy = new Map();
  for (const part of header.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name && !policy.has(name.toLowerCase())) policy.set(name.toLowerCase(), values);
  }
  return policy;
}

const WILDCARDS = new Set(['*', 'https:', 'http:', 'data:', 'blob:']);

/** What makes a policy weak, in words; empty when it is not. */
export function weaknesses(header: string): string[] {
  const p = parse(header);
  const out: string[] = [];
  const scripts = p.get('script-src-elem') ?? p.get('script-src') ?? p.get('default-src');
  if (!scripts) out.push('no script-src or default-src: any script may load');
  else {
    const nonceOrHash = scripts.some((s) => /^'(nonce|sha256|sha384|sha512)-/.test(s));
    if (scripts.includes("'unsafe-inline'") && !nonceOrHash) out.push("script-src allows 'unsafe-inline' without a nonce or hash");
    const wild = scripts.filter((s) => WILDCARDS.has(s));
    if (wild.length > 0) out.push(`script-src allows ${wild.join(' ')}`);
  }
  for (const directive of ['connect-src', 'img-src', 'frame-src']) {
    const values = p.get(directive) ?? p.get('default-src');
    if (!values) out.push(`no ${directive} or default-src: ${directive.replace('-src', '')} requests may go anywhere`);
    else if (values.includes('*') || values.includes('https:') || values.includes('http:')) out.push(`${directive} allows any host`);
  }
  return out;
}

export function cspFindings(page: PageRecord): FindingDraft[] {
  if (page.error || page.status === undefined || page.status >= 400) return [];
  const base = { template: page.template, evidence: { page: page.url, consent: page.consent } };
  if (page.csp.enforce.length === 0) {
    const reportOnly = page.csp.reportOnly.length > 0;
    return [
      {
        ...base,
        kind: reportOnly ? 'csp-report-only' : 'csp-missing',
        severity: 'medium',
        title: reportOnly ? 'Content-Security-Policy is report-only' : 'No Content-Security-Policy',
        why: reportOnly
          ? 'A report-only policy lets every request through and only reports it; nothing stops a pixel the tag could not reach.'
          : 'Without a policy the browser stops nothing: any script, frame or pixel may contact any host.',
        fix: 'Serve the policy `palisade csp` prints (report-only first while you watch the reports, then enforced).',
        evidence: { ...base.evidence, detail: reportOnly ? page.csp.reportOnly.join(' | ') : 'no Content-Security-Policy header or <meta>' },
      },
    ];
  }
  // Several enforced policies all apply: the page is as strong as the strongest, so it is weak
  // only when every one of them is.
  const each = page.csp.enforce.map(weaknesses);
  if (each.some((w) => w.length === 0)) return [];
  return [
    {
      ...base,
      kind: 'csp-weak',
      severity: 'medium',
      title: 'Content-Security-Policy does not restrict where the page may send data',
      why: `The policy in force has gaps: ${each[0]!.join('; ')}.`,
      fix: "Use nonces instead of 'unsafe-inline', and list the hosts the page needs instead of wildcards (`palisade csp` prints such a policy).",
      evidence: { ...base.evidence, detail: page.csp.enforce.join(' | ') },
    },
  ];
}
