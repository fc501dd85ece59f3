/**
 * Tracker sightings that arrive as events from the SDK:
 *  - tag calls the SDK's shims answered: the page carries that vendor's code, even though the
 *    shim kept it from loading (Meta's snippet, finding Palisade's `fbq`, never asks for
 *    fbevents.js, so no CSP report names it);
 *  - `$blocked` events from the pixel guard: an origin, a kind, the page's path template and the
 *    first segment of the blocked path (which tells Google Maps from the rest of google.com).
 */
import type { Message } from '@palisade/schema';
import { trackerPage } from './page-template.js';
import type { TrackerSighting } from '../store/store.js';
import { vendorName } from './vendor-name.js';

const SHIMMED: Record<string, { origin: string; vendor: string }> = {
  // gtag's events would go to GA's collection endpoint.
  gtag: { origin: 'https://www.google-analytics.com', vendor: 'Google Analytics' },
  dataLayer: { origin: 'https://www.googletagmanager.com', vendor: 'Google Tag Manager' },
  fbq: { origin: 'https://connect.facebook.net', vendor: 'Meta (Facebook)' },
  ttq: { origin: 'https://analytics.tiktok.com', vendor: 'TikTok' },
  lintrk: { origin: 'https://snap.licdn.com', vendor: 'LinkedIn' },
  uetq: { origin: 'https://bat.bing.com', vendor: 'Microsoft Advertising' },
};

/** The guard's kinds (see the SDK's guard/policy.ts); anything else is `other`. */
const GUARD_KINDS = new Set(['script', 'image', 'frame', 'link', 'media', 'object', 'form', 'connect']);

function pageTemplate(path: unknown): string {
  return typeof path === 'string' && path.startsWith('/') ? trackerPage(path) : '';
}

/**
 * What the guard reports instead of an origin when it refused a realm no guard could reach: a
 * frame, object or worker made from code the page wrote, or a sandboxed srcdoc.
 */
const PAGE_WRITTEN: Record<string, string> = {
  'about:': 'a sandboxed srcdoc frame the guard cannot reach',
  'blob:': 'code the page wrote (blob: URL)',
  'data:': 'code the page wrote (data: URL)',
  'javascript:': 'code the page wrote (javascript: URL)',
};

/** A `$blocked` event's sighting, or undefined when its properties are not what the guard sends. */
function blockedSighting(m: Message): TrackerSighting | undefined {
  const p = (m as { properties?: Record<string, unknown> }).properties ?? {};
  if (typeof p.origin !== 'string' || p.origin.length > 512) return undefined;
  const kind = typeof p.kind === 'string' && GUARD_KINDS.has(p.kind) ? p.kind : 'other';
  const page = pageTemplate(p.page) || pageTemplate(m.context?.page?.path);
  const written = Object.hasOwn(PAGE_WRITTEN, p.origin) ? PAGE_WRITTEN[p.origin] : undefined;
  if (written) return { origin: p.origin, kind, page, vendor: `Refused: ${written}` };
  let origin: URL;
  try {
    origin = new URL(p.origin);
  } catch {
    return undefined;
  }
  if (!/^(https?|wss?):$/.test(origin.protocol) || origin.origin === 'null') return undefined;
  const resource = typeof p.resource === 'string' && /^\/[^/?#]{0,64}$/.test(p.resource) ? p.resource : '/';
  const vendor = vendorName(`${origin.origin.replace(/^ws/, 'http')}${resource}`);
  return { origin: origin.origin, kind, page, ...(vendor ? { vendor } : {}) };
}

export function browserSightings(messages: Message[]): TrackerSighting[] {
  const out: TrackerSighting[] = [];
  for (const m of messages) {
    if (m.type === 'track' && m.event === '$blocked') {
      const s = blockedSighting(m);
      if (s) out.push(s);
      continue;
    }
    const shim = m.context?.shim;
    const known = shim === undefined ? undefined : SHIMMED[shim];
    if (known) out.push({ origin: known.origin, kind: 'shim', page: pageTemplate(m.context?.page?.path), vendor: known.vendor });
  }
  return out;
}
