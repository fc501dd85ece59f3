/**
 * Findings: drafts from the detectors merged by a stable id, which is a hash of the kind, the
 * page template and the destination. The id stays the same across runs, canaries and consent
 * states, so a baseline file can name it.
 */
import { createHash } from 'node:crypto';
import type { ConsentStateName, Evidence, Finding, FindingKind, Severity } from './types.js';

export interface FindingDraft {
  kind: FindingKind;
  severity: Severity;
  title: string;
  template: string;
  destination?: string;
  /** More that tells findings apart (a leak's canary and form: a baselined hashed email must not hide a clear SSN). */
  idExtra?: string;
  vendor?: string;
  category?: string;
  why: string;
  fix: string;
  evidence: Evidence;
}

/** At most this many pieces of evidence are kept per finding (the rest are the same thing again). */
const MAX_EVIDENCE = 5;

export function findingId(kind: FindingKind, template: string, destination = ''): string {
  return `${kind}:${createHash('sha256').update(`${kind}\n${template}\n${destination}`).digest('hex').slice(0, 12)}`;
}

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

export function bySeverity(a: Finding, b: Finding): number {
  return SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id);
}

/** The id of the finding a draft belongs to. */
export function draftId(d: FindingDraft): string {
  return findingId(d.kind, d.template, d.idExtra ? `${d.destination ?? ''}\n${d.idExtra}` : d.destination);
}

export function mergeFindings(drafts: FindingDraft[]): Finding[] {
  const byId = new Map<string, Finding>();
  for (const d of drafts) {
    const id = draftId(d);
    let f = byId.get(id);
    if (!f) {
      f = {
        id,
        kind: d.kind,
        severity: d.severity,
        title: d.title,
        template: d.template,
        why: d.why,
        fix: d.fix,
        evidence: [],
        seenOn: [],
        consent: [],
        ...(d.destination !== undefined ? { destination: d.destination } : {}),
        ...(d.vendor !== undefined ? { vendor: d.vendor } : {}),
        ...(d.category !== undefined ? { category: d.category } : {}),
      };
      byId.set(id, f);
    }
    if (SEVERITY_ORDER[d.severity] < SEVERITY_ORDER[f.severity]) f.severity = d.severity;
    if (!f.consent.includes(d.evidence.consent)) f.consent.push(d.evidence.consent);
    if (!f.seenOn.some((s) => s.page === d.evidence.page && s.consent === d.evidence.consent)) f.seenOn.push({ page: d.evidence.page, consent: d.evidence.consent });
    // One piece of evidence per consent state first, then more of the same up to the cap.
    const sameState = f.evidence.filter((e) => e.consent === d.evidence.consent).length;
    if (f.evidence.length < MAX_EVIDENCE && (sameState === 0 || f.evidence.length < MAX_EVIDENCE - 1)) f.evidence.push(d.evidence);
  }
  const order: ConsentStateName[] = ['denied', 'granted', 'gpc'];
  const out = [...byId.values()];
  for (const f of out) f.consent.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return out.sort(bySeverity);
}
