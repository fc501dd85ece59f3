/** What an import did, tag by tag, for the migration report (Markdown, HTML, JSON). */

export type TagStatus = 'kept' | 'changed' | 'dropped' | 'review';

export interface TagOutcome {
  /** The tag's name in GTM. */
  tag: string;
  /** What kind of tag it was (`GA4 event`, `Custom HTML`, ...). */
  kind: string;
  vendor: string;
  status: TagStatus;
  /** The Palisade destination it now feeds. */
  destination?: string;
  /** Vendor event names it sends now. */
  events: string[];
  /** Its firing triggers' names. */
  triggers: string[];
  /** Why it has this status, what changed. */
  notes: string[];
  /** For a tag not migrated: what it would have sent (hosts, vendor calls, parameter names). */
  wouldSend: string[];
}

export interface ParameterOutcome {
  tag: string;
  /** The vendor parameter (`email`, `value`, `content_category`). */
  parameter: string;
  /** Where its value came from (`data layer user.email`, `constant`, `{{Click Text}}`). */
  from: string;
  verdict: 'allow' | 'mask' | 'drop' | 'constant';
  why: string;
}

export interface TriggerOutcome {
  trigger: string;
  type: string;
  status: 'migrated' | 'not migrated' | 'not used';
  /** What it became: `$pageview`, `dataLayer:booking_complete`, `definition "X" (click a[href*="/book"])`. */
  became: string[];
  notes: string[];
}

export interface CriticalFinding {
  tag: string;
  what: string;
  why: string;
}

export interface EnvVar {
  name: string;
  /** What it holds, for whom. */
  holds: string;
}

export interface MigrationReport {
  container: { id: string; name: string; version: string; exportTime: string; tags: number; triggers: number; variables: number };
  counts: Record<TagStatus, number>;
  critical: CriticalFinding[];
  tags: TagOutcome[];
  parameters: ParameterOutcome[];
  triggers: TriggerOutcome[];
  env: EnvVar[];
  nextSteps: string[];
}
