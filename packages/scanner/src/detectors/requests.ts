/**
 * Requests that left the browser: to a third party (any origin that is not the site's, the
 * relay's or allowed), carrying a canary (to any origin but the site's own and the relay), or to
 * an allowed origin whose consent category the state withholds.
 *
 * A request the browser stopped (the CSP, the Palisade guard, a blocker) sent nothing: for a
 * third party that is the protection working, and it is listed as a blocked attempt, not a
 * finding. For an allowed origin under a state that withholds its category it is still a
 * finding: the attempt shows the page ignores the visitor's choice.
 */
import type { FindingDraft } from '../findings.js';
import { granted, type PageRecord, type RecordedRequest } from '../types.js';
import { vendorOf } from '../vendors.js';
import type { DetectorContext } from './context.js';

const QUIET_SCHEMES = new Set(['data:', 'blob:', 'about:', 'chrome:', 'chrome-extension:', 'devtools:']);

/** Categories of third-party-web that track visitors by design. */
const TRACKING = new Set(['ad', 'analytics', 'social', 'tag-manager', 'customer-success', 'marketing']);

function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return QUIET_SCHEMES.has(u.protocol) ? undefined : u.origin;
  } catch {
    return undefined;
  }
}

function requestEvidence(page: PageRecord, r: RecordedRequest) {
  return {
    page: page.url,
    consent: page.consent,
    request: {
      method: r.method,
      url: r.url,
      resourceType: r.resourceType,
      realm: r.realm,
      realmUrl: r.realmUrl,
      ...(r.failure ? { failure: r.failure } : {}),
      ...(r.body ? { body: r.body.slice(0, 2048) } : {}),
    },
    initiators: r.initiators,
  };
}

/** Stopped by the browser (CSP, the guard, a blocker) rather than failed on the network. */
export const isBlocked = (r: { failure?: string }) => r.failure === 'csp' || r.failure === 'blocked';

/** Blocked (by CSP or a blocker) or failed (a network error): the browser still tried to send it. */
const stopped = (r: RecordedRequest) => {
  if (!r.failure) return '';
  const how = isBlocked(r) ? `was stopped in flight (${r.failure})` : `did not complete (${r.failure})`;
  return ` This request ${how}, but the attempt shows what the page tries to send.`;
};

/**
 * A CSP violation the browser reported for a URL no recorded request carries (a frame's own
 * document, a request refused before the network layer saw it) is an attempt too.
 */
export function violationRequests(page: PageRecord): RecordedRequest[] {
  const seen = new Set(page.requests.map((r) => r.url));
  return page.cspViolations
    .filter((v) => v.disposition === 'enforce' && /^https?:/.test(v.blockedUrl) && !seen.has(v.blockedUrl))
    .map((v) => ({ url: v.blockedUrl, method: 'GET', resourceType: v.directive, realm: 'page', realmUrl: page.url, initiators: [], failure: 'csp', startedMs: 0 }));
}

export function requestFindings(page: PageRecord, ctx: DetectorContext): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const r of [...page.requests, ...violationRequests(page)]) {
    const origin = originOf(r.url);
    if (origin === undefined) continue;
    const host = new URL(r.url).host;
    const own = ctx.siteOrigins.has(origin);
    const relay = ctx.relayOrigins.has(origin);
    const vendor = vendorOf(r.url);
    const named = vendor ? `${vendor.name} (${host})` : host;
    if (ctx.allowOrigins.has(origin)) {
      const category = ctx.allowOrigins.get(origin);
      if (category && page.consentApplied && !granted(page.consent, category)) out.push(violation(page, r, host, named, vendor, category));
    }
    if (isBlocked(r)) continue;
    if (!own && !relay) {
      for (const hit of ctx.findCanaries(r.url)) out.push(leak(page, r, host, named, vendor, hit.canary.label, hit.form, 'url'));
      if (r.body) for (const hit of ctx.findCanaries(r.body)) out.push(leak(page, r, host, named, vendor, hit.canary.label, hit.form, 'body'));
    }
    if (own || relay) continue;
    if (ctx.allowOrigins.has(origin)) continue;
    const tracking = vendor !== undefined && TRACKING.has(vendor.category);
    out.push({
      kind: 'third-party-request',
      severity: tracking ? 'high' : 'medium',
      title: `Request to ${named}`,
      template: page.template,
      destination: host,
      ...(vendor ? { vendor: vendor.name, category: vendor.category } : {}),
      why: `The browser contacts ${host} directly, so it learns the visitor's IP address and the page (${page.template}); on a health site that pair can be PHI.${stopped(r)}`,
      fix: tracking
        ? `Remove the ${vendor!.name} tag and send its events through the Palisade relay (a server-side destination), or let the Palisade tag block it.`
        : `Serve the resource from your own origin, or allow the origin (--allow-origin) if your BAA with its owner covers it.`,
      evidence: requestEvidence(page, r),
    });
  }
  return out;
}

function violation(page: PageRecord, r: RecordedRequest, host: string, named: string, vendor: { name: string; category: string } | undefined, category: string): FindingDraft {
  return {
    kind: 'consent-violation',
    severity: 'high',
    title: `Request to ${named} under "${page.consent}" consent, which withholds ${category}`,
    template: page.template,
    destination: host,
    ...(vendor ? { vendor: vendor.name, category: vendor.category } : {}),
    why: `The origin is allowed only with ${category} consent, and this visitor did not give it.${stopped(r)}`,
    fix: `Load the ${named} code only after the consent manager grants ${category}, or route its data through the Palisade relay, which applies consent per destination.`,
    evidence: requestEvidence(page, r),
  };
}

function leak(
  page: PageRecord,
  r: RecordedRequest,
  host: string,
  named: string,
  vendor: { name: string; category: string } | undefined,
  label: string,
  form: string,
  where: 'url' | 'body',
): FindingDraft {
  return {
    kind: 'canary-leak',
    severity: 'critical',
    title: `The ${label} a visitor typed reaches ${named}${form === 'plain' ? ' in clear' : ` as ${form}`}`,
    template: page.template,
    destination: host,
    idExtra: `${label} ${form}`,
    ...(vendor ? { vendor: vendor.name, category: vendor.category } : {}),
    why: `The ${label} typed into a form on this page left the browser ${form === 'plain' ? 'in clear' : `as ${form}`}. An unkeyed hash is not protection: the vendor hashes its own user list the same way and matches the person.${stopped(r)}`,
    fix: `Turn off automatic advanced matching / user-provided data collection for this tag, and send conversions through the Palisade relay, which keeps only allowlisted fields and masks identifiers with a key the vendor never has.`,
    evidence: { ...requestEvidence(page, r), canary: { label, form, where } },
  };
}
