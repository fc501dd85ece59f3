/**
 * Page code that collects what visitors type for a vendor: Meta's advanced matching (a third
 * argument to `fbq('init', ...)`, or automatic matching in the pixel's config) and Google's
 * "User-Provided Data" variable in AUTO mode (it scrapes emails, phones and addresses from the
 * page). Seen in inline scripts and in the script files the page loaded. Every pattern is a
 * fixed string or a bounded run, so a hostile script costs linear time.
 */
import type { FindingDraft } from '../findings.js';
import type { PageRecord } from '../types.js';

const PATTERNS: { name: string; pattern: RegExp; vendor: string; fix: string }[] = [
  {
    name: "Meta pixel advanced matching (fbq('init', id, {...}))",
    pattern: /fbq\(\s*['"]init['"]\s*,\s*['"][^'"]{1,64}['"]\s*,\s*\{/,
    vendor: 'Facebook',
    fix: "Remove the third argument of fbq('init'), or better, remove the pixel and send conversions through the relay's Meta destination.",
  },
  {
    name: 'Meta pixel automatic advanced matching',
    // The pixel's config as Meta serves it: matching keys selected, or the switch on.
    pattern: /"enableAutomaticMatching"\s*:\s*true|"selectedMatchKeys"\s*:\s*\[\s*"/,
    vendor: 'Facebook',
    fix: 'Turn off automatic advanced matching in Meta Events Manager, and remove the pixel in favour of the relay.',
  },
  {
    name: 'Google Tag Manager "User-Provided Data" in AUTO mode',
    pattern: /"function"\s*:\s*"__awec"[^}]{0,400}"vtp_mode"\s*:\s*"AUTO"/,
    vendor: 'Google Tag Manager',
    fix: 'Remove the User-Provided Data variable (or set it to manual with only fields you may share) and turn off automatic enhanced conversions.',
  },
  {
    name: "gtag user data (gtag('set', 'user_data', ...))",
    pattern: /gtag\(\s*['"]set['"]\s*,\s*['"]user_data['"]/,
    vendor: 'Google',
    fix: "Remove gtag('set', 'user_data'); send conversions through the relay, which hashes identifiers only with the patient's authorization.",
  },
];

export function pageCodeFindings(page: PageRecord): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const p of PATTERNS) {
    const where = page.code.find((c) => p.pattern.test(c.text));
    if (!where) continue;
    out.push({
      kind: 'phi-collection-code',
      severity: 'critical',
      title: `${p.name} in page code`,
      template: page.template,
      destination: p.name,
      vendor: p.vendor,
      why: 'This code collects what visitors type into forms (email, phone, name, address) and sends it to the vendor, hashed or not, on a health site that is PHI.',
      fix: p.fix,
      evidence: { page: page.url, consent: page.consent, detail: `found in ${where.source}` },
    });
  }
  return out;
}
