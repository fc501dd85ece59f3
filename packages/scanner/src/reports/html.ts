/**
 * A self-contained HTML report (no script, no external resource): a summary a compliance officer
 * can hand to an auditor, then each finding with its evidence (page, request, initiator chain,
 * canary form, vendor), why it matters and how to fix it. Every value from the scan is escaped.
 */
import { isBlocked } from '../detectors/requests.js';
import type { Finding, ScanResult, Severity } from '../types.js';
import { escapeXml as e } from './escape.js';

const COLORS: Record<Severity, string> = { critical: '#8b0000', high: '#c2410c', medium: '#a16207', low: '#475569' };

const STYLE = `
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;color:#1f2937;margin:0;background:#f8fafc}
main{max-width:1040px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 8px}
.verdict{padding:14px 18px;border-radius:8px;font-weight:600;margin:16px 0}
.fail{background:#fee2e2;color:#7f1d1d}.pass{background:#dcfce7;color:#14532d}
table{border-collapse:collapse;width:100%;background:#fff}td,th{border:1px solid #e5e7eb;padding:6px 10px;text-align:left;vertical-align:top}
th{background:#f1f5f9;font-weight:600}
.finding{background:#fff;border:1px solid #e5e7eb;border-left:6px solid var(--c);border-radius:6px;padding:12px 16px;margin:12px 0}
.sev{display:inline-block;color:#fff;background:var(--c);border-radius:4px;padding:0 8px;font-size:12px;font-weight:700;text-transform:uppercase;margin-right:8px}
.id{color:#64748b;font:12px ui-monospace,monospace;float:right}
code,.mono{font:12.5px ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all}
dl{display:grid;grid-template-columns:150px 1fr;gap:4px 12px;margin:10px 0}dt{color:#64748b}dd{margin:0}
.new{background:#fef3c7;color:#78350f;border-radius:4px;padding:0 6px;font-size:12px;margin-left:6px}
`;

function evidenceBlock(f: Finding): string {
  const ev = f.evidence[0];
  if (!ev) return '';
  const rows: [string, string][] = [
    ['Page', `<span class="mono">${e(ev.page)}</span>`],
    ['Consent state', e(f.consent.join(', '))],
  ];
  if (f.vendor) rows.push(['Vendor', `${e(f.vendor)}${f.category ? ` (${e(f.category)})` : ''}`]);
  if (ev.request) {
    rows.push([
      'Request',
      `<code>${e(ev.request.method)} ${e(ev.request.url)}</code>${ev.request.failure ? ` <em>${isBlocked(ev.request) ? 'blocked in flight' : 'did not complete'}: ${e(ev.request.failure)}</em>` : ''}`,
    ]);
    rows.push(['Sent from', `${e(ev.request.realm)}${ev.request.realmUrl ? ` <span class="mono">${e(ev.request.realmUrl)}</span>` : ''}`]);
    if (ev.request.body) rows.push(['Body', `<code>${e(ev.request.body.slice(0, 600))}${ev.request.body.length > 600 ? '…' : ''}</code>`]);
  }
  if (ev.initiators && ev.initiators.length > 0) rows.push(['Initiator chain', ev.initiators.map((u) => `<span class="mono">${e(u)}</span>`).join(' ← ')]);
  if (ev.canary) rows.push(['Canary', `${e(ev.canary.label)}, found ${ev.canary.form === 'plain' ? 'in clear' : `as ${e(ev.canary.form)}`} in the request ${e(ev.canary.where)}`]);
  if (ev.detail) rows.push(['Detail', `<code>${e(ev.detail)}</code>`]);
  const more = new Set(f.seenOn.map((s) => s.page)).size - 1;
  if (more > 0) rows.push(['Also on', `${more} more page${more === 1 ? '' : 's'} of this template`]);
  return `<dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

function findingCard(f: Finding, isNew: boolean): string {
  return `<section class="finding" style="--c:${COLORS[f.severity]}" id="${e(f.id)}">
<span class="id">${e(f.id)}</span><span class="sev">${f.severity}</span><strong>${e(f.title)}</strong>${isNew ? '<span class="new">new</span>' : ''}
${evidenceBlock(f)}
<p><strong>Why it matters.</strong> ${e(f.why)}</p>
<p><strong>How to fix.</strong> ${e(f.fix)}</p>
</section>`;
}

export function htmlReport(result: ScanResult, options: { baseline?: boolean } = {}): string {
  const newIds = new Set(result.newFindings.map((f) => f.id));
  const pages = [...new Set(result.pages.map((p) => p.url))];
  const requests = result.pages.reduce((n, p) => n + p.requests.length, 0);
  const sites = [...new Set(result.startUrls.map((u) => new URL(u).origin))];
  const counts = (['critical', 'high', 'medium', 'low'] as Severity[]).map((s) => [s, result.findings.filter((f) => f.severity === s).length] as const);
  const vendors = [...new Set(result.findings.map((f) => f.vendor).filter((v): v is string => v !== undefined))].sort();
  const failing = options.baseline ? result.newFindings.length : result.findings.length;
  const verdict =
    failing === 0
      ? `<div class="verdict pass">No ${options.baseline ? 'new ' : ''}findings: no third-party request, no leaked canary, under every consent state scanned.</div>`
      : `<div class="verdict fail">${failing} ${options.baseline ? 'new ' : ''}finding${failing === 1 ? '' : 's'}${vendors.length > 0 ? `; vendors contacted: ${e(vendors.join(', '))}` : ''}.</div>`;
  const blocked =
    result.blocked.length > 0
      ? `<h2>Blocked in the browser</h2><p>The page tried to contact these third parties and the browser stopped the request before anything was sent (by the Content-Security-Policy, the Palisade guard or a blocker). They are not findings; the tags behind them can be removed.</p><table><tr><th>Destination</th><th>Stopped by</th><th>Pages</th><th>Consent</th></tr>${result.blocked.map((b) => `<tr><td>${e(b.vendor ? `${b.vendor} (${b.destination})` : b.destination)}</td><td>${e(b.by)}</td><td>${b.pages.length}</td><td>${e(b.consent.join(', '))}</td></tr>`).join('')}</table>`
      : '';
  const relay = result.relay
    ? `<h2>What the relay forwarded</h2><p>During the scan the Palisade relay forwarded these messages server-side; each was searched for the canaries.</p><table><tr><th>Destination</th><th>Messages</th></tr>${result.relay.map((d) => `<tr><td>${e(d.destination)}</td><td>${d.messages}</td></tr>`).join('')}</table>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Palisade scan of ${e(sites.join(', '))}</title><style>${STYLE}</style></head>
<body><main>
<h1>Palisade scan of ${e(sites.join(', '))}</h1>
<div>${e(result.startedAt)} to ${e(result.finishedAt)}</div>
${verdict}
<h2>Summary</h2>
<p>A headless Chromium browser, presenting itself as a desktop Chrome, loaded ${pages.length} page${pages.length === 1 ? '' : 's'} of the site under each of these consent states: ${e(result.consent.join(', '))}. On each page it scrolled, clicked, and filled every form with made-up values unique to this run (names, emails, phones, dates of birth, addresses, SSN- and MRN-like numbers, symptoms) and submitted one. It recorded the ${requests} requests that left the browser, from the page, its frames, workers and service workers, including requests the browser stopped in flight, and searched each for the made-up values in clear, URL-encoded, base64 and hashed (MD5, SHA-1, SHA-256) form.</p>
<table><tr><th>Severity</th><th>Findings</th></tr>${counts.map(([s, n]) => `<tr><td>${s}</td><td>${n}</td></tr>`).join('')}</table>
${relay}
${blocked}
<h2>Findings</h2>
${result.findings.length === 0 ? '<p>None.</p>' : result.findings.map((f) => findingCard(f, options.baseline === true && newIds.has(f.id))).join('\n')}
<h2>Pages scanned</h2>
<table><tr><th>Page</th><th>Consent</th><th>Requests</th><th>Forms filled</th></tr>${result.pages.map((p) => `<tr><td class="mono">${e(p.url)}</td><td>${p.consent}${p.consentApplied ? '' : ' (not set)'}</td><td>${p.requests.length}</td><td>${p.error ? `error: ${e(p.error)}` : p.formsFilled}</td></tr>`).join('')}</table>
</main></body></html>
`;
}
