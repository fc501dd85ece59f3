/** The terminal summary: counts, then each finding in one line grouped by severity. */
import type { Finding, ScanResult } from '../types.js';

/** Control characters from a hostile page (terminal escapes) never reach the terminal. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are what is removed.
const clean = (line: string) => line.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '?');

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function terminalSummary(result: ScanResult, options: { baseline?: boolean } = {}): string {
  const lines: string[] = [];
  const pages = new Set(result.pages.map((p) => p.url)).size;
  const requests = result.pages.reduce((n, p) => n + p.requests.length, 0);
  lines.push(`Scanned ${plural(pages, 'page')} under ${result.consent.join(', ')} consent: ${plural(requests, 'request')} recorded.`);
  if (result.relayOrigins.length > 0)
    lines.push(`Relay: ${result.relayOrigins.join(', ')} (requests to it are not searched for canaries; --relay-admin checks what it forwarded).`);
  const failed = result.pages.filter((p) => p.error);
  for (const p of failed) lines.push(`  could not scan ${p.url} (${p.consent}): ${p.error}`);
  const unapplied = [...new Set(result.pages.filter((p) => !p.consentApplied).map((p) => p.consent))];
  if (unapplied.length > 0)
    lines.push(`  consent state ${unapplied.join(', ')} could not be set (no Palisade SDK on the page and no --consent-hook): consent checks skipped for it`);
  if (result.blocked.length > 0) {
    lines.push(`Blocked in the browser (nothing sent): ${result.blocked.map((b) => `${b.vendor ? `${b.vendor} (${b.destination})` : b.destination} by ${b.by}`).join(', ')}.`);
  }
  if (result.relay) {
    const total = result.relay.reduce((n, d) => n + d.messages, 0);
    lines.push(`Relay forwarded ${plural(total, 'message')} during the scan: ${result.relay.map((d) => `${d.destination} ${d.messages}`).join(', ') || 'none'}.`);
  }
  const shown: Finding[] = options.baseline ? result.newFindings : result.findings;
  if (result.findings.length === 0) {
    lines.push('No findings.');
    return lines.map(clean).join('\n');
  }
  if (options.baseline) lines.push(`${plural(result.findings.length, 'finding')}, ${result.newFindings.length} not in the baseline.`);
  else lines.push(`${plural(result.findings.length, 'finding')}:`);
  for (const f of shown) {
    const pagesOf = new Set(f.seenOn.map((s) => s.page)).size;
    lines.push(`  ${f.severity.toUpperCase().padEnd(8)} ${f.title}  [${f.template}; ${f.consent.join('/')}${pagesOf > 1 ? `; ${pagesOf} pages` : ''}]  ${f.id}`);
    const canary = f.evidence.find((e) => e.canary)?.canary;
    if (canary) lines.push(`           ${canary.label} as ${canary.form} in the request ${canary.where}`);
  }
  return lines.map(clean).join('\n');
}
