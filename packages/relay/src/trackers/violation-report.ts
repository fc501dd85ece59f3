/**
 * CSP violation reports, in both formats browsers send: `report-uri` (`application/csp-report`,
 * `{"csp-report": {...}}`) and the Reporting API (`application/reports+json`, an array of
 * `{type: "csp-violation", body: {...}}`). Only what the tracker inventory needs is kept: the
 * blocked origin (never its path or query), the kind of resource, and the page's path template.
 */
import { z } from 'zod';
import { trackerPage } from './page-template.js';
import type { TrackerSighting } from '../store/store.js';
import { vendorName } from './vendor-name.js';

export type TrackerKind = 'script' | 'image' | 'connect' | 'frame' | 'style' | 'font' | 'media' | 'other';

const legacy = z
  .object({
    'csp-report': z
      .object({
        'document-uri': z.string().max(4096).optional(),
        'blocked-uri': z.string().max(4096).optional(),
        'effective-directive': z.string().max(64).optional(),
        'violated-directive': z.string().max(256).optional(),
      })
      .loose(),
  })
  .loose();

const reportingApi = z
  .array(
    z
      .object({
        type: z.string().max(64),
        url: z.string().max(4096).optional(),
        body: z
          .object({
            documentURL: z.string().max(4096).optional(),
            blockedURL: z.string().max(4096).optional(),
            effectiveDirective: z.string().max(64).optional(),
          })
          .loose()
          .optional(),
      })
      .loose(),
  )
  .max(100);

const KINDS: Record<string, TrackerKind> = {
  'script-src': 'script',
  'script-src-elem': 'script',
  'script-src-attr': 'script',
  'worker-src': 'script',
  'img-src': 'image',
  'connect-src': 'connect',
  'frame-src': 'frame',
  'child-src': 'frame',
  'style-src': 'style',
  'style-src-elem': 'style',
  'font-src': 'font',
  'media-src': 'media',
};

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'wss:' || u.protocol === 'ws:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

function pageOf(url: string | undefined): string {
  try {
    return trackerPage(new URL(url ?? '').pathname);
  } catch {
    return '';
  }
}

function sighting(blocked: string | undefined, directive: string | undefined, documentUrl: string | undefined): TrackerSighting | undefined {
  const origin = originOf(blocked);
  if (!origin) return undefined; // 'inline', 'eval', data: ... are not third parties
  const name = (directive ?? '').split(' ')[0] ?? '';
  const vendor = vendorName(blocked!);
  const s: TrackerSighting = { origin, kind: KINDS[name] ?? 'other', page: pageOf(documentUrl) };
  if (vendor) s.vendor = vendor;
  return s;
}

/** Reports -> sightings; undefined when the body is neither format. */
export function parseViolationReports(body: unknown): TrackerSighting[] | undefined {
  const one = legacy.safeParse(body);
  if (one.success) {
    const r = one.data['csp-report'];
    const s = sighting(r['blocked-uri'], r['effective-directive'] ?? r['violated-directive'], r['document-uri']);
    return s ? [s] : [];
  }
  const many = reportingApi.safeParse(body);
  if (!many.success) return undefined;
  return many.data
    .filter((r) => r.type === 'csp-violation' && r.body)
    .map((r) => sighting(r.body!.blockedURL, r.body!.effectiveDirective, r.body!.documentURL ?? r.url))
    .filter((s): s is TrackerSighting => s !== undefined);
}
