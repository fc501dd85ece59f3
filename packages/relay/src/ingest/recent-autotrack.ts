/**
 * The latest autotrack events (clicks, submits, changes, pageviews), kept in memory so that
 * `palisade definitions test` can show what a definition would match before it goes live. Kept
 * only when the relay has an admin token (the route that reads them needs it), for an hour at
 * most, and only what a definition reads: the element chain, the clicked text (only when it passes
 * the PHI screen) and the page's origin and path (never its query). Matching happens here, in the
 * relay; what leaves is event names, chains and each page's first path segment, never text or
 * values. A token holder could still probe a kept text or path by pattern, one count at a time:
 * the admin token is an operator's credential.
 */
import type { EventDefinition, Message } from '@palisade/schema';
import { autotrackTrigger, compileDefinitions, matchingDefinitions, pageAddress } from '../pipeline/definitions.js';
import { phiKind } from '../pipeline/looks-like-phi.js';
import { trackerPage } from '../trackers/page-template.js';

interface Entry {
  environment: string;
  at: number;
  message: Message;
}

/** One autotrack event as the test reports it. */
export interface AutotrackSample {
  on: string;
  elements?: string;
  /** The page as a template (`/patients/:id`), never the address itself. */
  page: string;
}

export interface DefinitionTestResult {
  /** Autotrack events looked at. */
  recent: number;
  definitions: Array<{ name: string; on: string; matched: number; examples: AutotrackSample[] }>;
  /** Element chains no definition matched, most frequent first: candidates for a definition. */
  unmatched: Array<AutotrackSample & { count: number }>;
}

const CAPACITY = 1000;
/** Events older than this are not looked at (and are overwritten as new ones arrive). */
const MAX_AGE_MS = 3_600_000;
const EXAMPLES = 5;

export class RecentAutotrack {
  readonly #entries: Entry[] = [];
  #next = 0;

  /** Keeps the autotrack events of an accepted request (trimmed to what definitions read). */
  record(environment: string, messages: Message[], at = Date.now()): void {
    for (const message of messages) {
      if (autotrackTrigger(message) === undefined) continue;
      const properties = message.type === 'track' || message.type === 'page' ? (message.properties ?? {}) : {};
      const page = message.context?.page;
      const text = typeof properties.$text === 'string' && properties.$text.length <= 200 && phiKind(properties.$text) === undefined ? properties.$text : undefined;
      // Origin and path only: the query is never kept.
      const url = pageAddress(message).originPath.slice(0, 2048) || undefined;
      const kept = {
        type: message.type,
        ...(message.type === 'track' ? { event: message.event } : {}),
        anonymousId: 'recent',
        properties: {
          ...(typeof properties.$elements === 'string' ? { $elements: properties.$elements.slice(0, 4096) } : {}),
          ...(text === undefined ? {} : { $text: text }),
        },
        context: {
          page: { ...(typeof page?.path === 'string' ? { path: page.path.slice(0, 2048) } : {}), ...(url === undefined ? {} : { url }) },
        },
      } as Message;
      const entry = { environment, at, message: kept };
      if (this.#entries.length < CAPACITY) this.#entries.push(entry);
      else this.#entries[this.#next] = entry;
      this.#next = (this.#next + 1) % CAPACITY;
    }
  }

  /** What each definition would have matched among the kept events (of one environment, or all). */
  test(definitions: EventDefinition[], environment?: string, now = Date.now()): DefinitionTestResult {
    const compiled = compileDefinitions(definitions);
    const entries = this.#entries.filter((e) => now - e.at <= MAX_AGE_MS && (environment === undefined || e.environment === environment)).sort((a, b) => a.at - b.at);
    const results = definitions.map((d) => ({ name: d.name, on: d.on, matched: 0, examples: [] as AutotrackSample[] }));
    const unmatched = new Map<string, AutotrackSample & { count: number }>();
    for (const { message } of entries) {
      const sample = sampleOf(message);
      const names = new Set(matchingDefinitions(message, compiled));
      for (const result of results) {
        if (!names.has(result.name) || result.on !== sample.on) continue;
        result.matched++;
        if (result.examples.length < EXAMPLES && !result.examples.some((e) => e.elements === sample.elements && e.page === sample.page)) result.examples.push(sample);
      }
      if (names.size === 0 && sample.elements !== undefined) {
        const key = `${sample.on}\u0000${sample.elements}`;
        const seen = unmatched.get(key);
        if (seen) seen.count++;
        else unmatched.set(key, { ...sample, count: 1 });
      }
    }
    return { recent: entries.length, definitions: results, unmatched: [...unmatched.values()].sort((a, b) => b.count - a.count).slice(0, 20) };
  }
}

function sampleOf(message: Message): AutotrackSample {
  const properties = (message as { properties?: Record<string, unknown> }).properties ?? {};
  return {
    on: autotrackTrigger(message) ?? 'unknown',
    ...(typeof properties.$elements === 'string' ? { elements: properties.$elements } : {}),
    page: firstSegment(trackerPage(pageAddress(message).path || '/')),
  };
}

/** `/find-a-doctor/psychiatry` -> `/find-a-doctor/...`: a section of the site, never a record. */
function firstSegment(template: string): string {
  const second = template.indexOf('/', 1);
  return second < 0 ? template : `${template.slice(0, second)}/...`;
}
