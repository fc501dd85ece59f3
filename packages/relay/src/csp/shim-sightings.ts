/**
 * Tag calls the SDK's shims answered are tracker sightings too: the page carries that vendor's
 * code, even though the shim kept it from loading (Meta's snippet, finding Palisade's `fbq`,
 * never asks for fbevents.js, so no CSP report names it).
 */
import type { Message } from '@palisade/schema';
import { sanitizePath } from '../pipeline/sanitize-url.js';
import type { TrackerSighting } from '../store/store.js';

const SHIMMED: Record<string, { origin: string; vendor: string }> = {
  // gtag's events would go to GA's collection endpoint.
  gtag: { origin: 'https://www.google-analytics.com', vendor: 'Google Analytics' },
  dataLayer: { origin: 'https://www.googletagmanager.com', vendor: 'Google Tag Manager' },
  fbq: { origin: 'https://connect.facebook.net', vendor: 'Meta (Facebook)' },
  ttq: { origin: 'https://analytics.tiktok.com', vendor: 'TikTok' },
  lintrk: { origin: 'https://snap.licdn.com', vendor: 'LinkedIn' },
  uetq: { origin: 'https://bat.bing.com', vendor: 'Microsoft Advertising' },
};

export function shimSightings(messages: Message[]): TrackerSighting[] {
  const out: TrackerSighting[] = [];
  for (const m of messages) {
    const shim = m.context?.shim;
    const known = shim === undefined ? undefined : SHIMMED[shim];
    if (!known) continue;
    const path = m.context?.page?.path ?? '';
    out.push({ origin: known.origin, kind: 'shim', page: path ? sanitizePath(path) : '', vendor: known.vendor });
  }
  return out;
}
