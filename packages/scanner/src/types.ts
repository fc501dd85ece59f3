/** What the scanner records of a page and what it concludes. Plain data: reports and baselines read it. */

/** A consent state the site is scanned under. */
export type ConsentStateName = 'denied' | 'granted' | 'gpc';
export const CONSENT_STATES: readonly ConsentStateName[] = ['denied', 'granted', 'gpc'];

/** Consent categories the Palisade SDK knows; an allowed origin may be tied to one. */
export type ConsentCategory = 'analytics' | 'advertising' | 'functional';

/** Whether a category is granted under a state (GPC withdraws advertising whatever was chosen). */
export function granted(state: ConsentStateName, category: ConsentCategory): boolean {
  if (state === 'granted') return true;
  if (state === 'gpc') return category !== 'advertising';
  return false;
}

/** One request that left (or tried to leave) the browser. */
export interface RecordedRequest {
  url: string;
  method: string;
  /** document, script, image, fetch, xhr, ping, ... as Chromium names it. */
  resourceType: string;
  /** Where it came from: the page, a frame (its URL), a worker or a service worker. */
  realm: 'page' | 'frame' | 'worker' | 'service-worker';
  realmUrl: string;
  /** Request body as text (at most 64 KB kept). */
  body?: string;
  /** Script URLs that led to the request, innermost first (from the initiator stack). */
  initiators: string[];
  /** Set when the browser stopped it: 'csp', 'blocked', a net error; the attempt still counts. */
  failure?: string;
  status?: number;
  startedMs: number;
}

export interface RecordedCookie {
  name: string;
  domain: string;
  path: string;
  secure: boolean;
  sameSite: string;
}

/** A `<link rel=preconnect|dns-prefetch|preload|prefetch>` element or Link header naming an origin. */
export interface RecordedHint {
  rel: string;
  href: string;
  source: 'element' | 'header';
}

export interface CspViolation {
  blockedUrl: string;
  directive: string;
  disposition: 'enforce' | 'report';
}

/** Everything seen while scanning one page under one consent state. */
export interface PageRecord {
  url: string;
  /** The path with identifier-like segments replaced: findings on `/doctor/123` and `/doctor/456` share an id. */
  template: string;
  consent: ConsentStateName;
  /** Whether the consent state was set (through the Palisade SDK or the site's hook). */
  consentApplied: boolean;
  /** When the page's scan began (the HAR's clock). */
  startedAt: string;
  /** Where the browser ended up (a sign-in wall redirects). */
  finalUrl?: string;
  status?: number;
  requests: RecordedRequest[];
  cookies: RecordedCookie[];
  /** Keys of localStorage and sessionStorage in the page's frames of other origins. */
  frameStorage: { origin: string; keys: string[] }[];
  hints: RecordedHint[];
  /** Content-Security-Policy headers of the document (enforced and report-only). */
  csp: { enforce: string[]; reportOnly: string[] };
  cspViolations: CspViolation[];
  /** The scripts of `<head>` in document order, as served (src or 'inline'). */
  headScripts: { src?: string; writeKey?: boolean }[];
  /** Inline script text and the bodies of the scripts the page loaded (any origin: a tag manager's container too), for page-code checks (truncated). */
  code: { source: string; text: string }[];
  /** Forms filled with canaries and submitted. */
  formsFilled: number;
  error?: string;
}

export type Severity = 'critical' | 'high' | 'medium' | 'low';

export type FindingKind =
  | 'third-party-request'
  | 'canary-leak'
  | 'relay-canary-leak'
  | 'consent-violation'
  | 'third-party-cookie'
  | 'third-party-storage'
  | 'third-party-hint'
  | 'tag-missing'
  | 'tag-not-first'
  | 'csp-missing'
  | 'csp-report-only'
  | 'csp-weak'
  | 'phi-collection-code';

export interface Evidence {
  page: string;
  consent: ConsentStateName;
  request?: { method: string; url: string; resourceType: string; realm: string; realmUrl: string; failure?: string; body?: string };
  initiators?: string[];
  /** For canary leaks: which canary (its label, never needed to reverse it) and in what form. */
  canary?: { label: string; form: string; where: 'url' | 'body' };
  detail?: string;
}

export interface Finding {
  /** Stable across runs: a hash of kind, page template and destination. */
  id: string;
  kind: FindingKind;
  severity: Severity;
  title: string;
  /** The host or origin the finding is about (a request's destination, a cookie's domain). */
  destination?: string;
  vendor?: string;
  category?: string;
  template: string;
  why: string;
  fix: string;
  /** Evidence for the first few sightings (the rest are the same thing again). */
  evidence: Evidence[];
  /** Every page and state it was seen on. */
  seenOn: { page: string; consent: ConsentStateName }[];
  /** The consent states it was seen under. */
  consent: ConsentStateName[];
}

export interface ScanResult {
  startedAt: string;
  finishedAt: string;
  startUrls: string[];
  consent: ConsentStateName[];
  pages: PageRecord[];
  findings: Finding[];
  /** Findings not in the baseline (all of them without a baseline). */
  newFindings: Finding[];
  /** The relay's origins: given with --relay, or taken from the pages' Palisade tag. */
  relayOrigins: string[];
  /** Third-party requests the browser stopped (CSP, the Palisade guard, a blocker): nothing was sent. */
  blocked: { destination: string; vendor?: string; by: string; pages: string[]; consent: ConsentStateName[] }[];
  /** What the relay forwarded during the scan, per destination (with --relay-admin). */
  relay?: { destination: string; messages: number }[];
  canaries: { label: string; value: string }[];
}
