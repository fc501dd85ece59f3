/**
 * The vendor-neutral, already de-identified event that leaves the pipeline. Connectors map only
 * this shape; they never see a raw message.
 */
import type { MessageType } from '@palisade/schema';
import type { CleanObject } from './allowlist.js';
import type { ConsentState } from './consent-state.js';
import type { EventIdentifiers } from './identifiers.js';

export interface CleanContext {
  page?: { url?: string; path?: string; referrer?: string; title?: string; search?: string };
  /** Browser family, major version and OS family only. */
  userAgent?: { browser: string; browserMajor?: string; os: string; label: string };
  /** Full user agent: only when HIPAA mode is off under a recorded BAA. */
  userAgentFull?: string;
  locale?: string;
  timezone?: string;
  sessionId?: number;
  library?: { name: string; version?: string };
  campaign?: { source?: string; medium?: string; name?: string };
  shim?: string;
  /** The visitor's consent when the message carried it: what the consent compiler reads. */
  consent?: ConsentState;
}

export interface CleanEvent {
  /** Opaque per-destination id derived from the messageId: the vendors' dedup key. */
  eventId: string;
  type: MessageType;
  /** track: the event name; page/screen: `$pageview` / `$screen`; identify/group/alias: `$identify`... */
  event: string;
  /** page/screen name, kept only where page titles are allowed. */
  name?: string;
  timestamp: string;
  userId?: string;
  anonymousId?: string;
  groupId?: string;
  previousId?: string;
  properties: CleanObject;
  /** identify: allowed user traits; group: allowed group traits. */
  traits: CleanObject;
  context: CleanContext;
  /**
   * Click ids and contact hashes (identifier classes B and C): only for an event with a patient
   * authorization, to a destination that opted in (pipeline/identifiers.ts). Usually absent.
   */
  identifiers?: EventIdentifiers;
}
