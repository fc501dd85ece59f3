/**
 * Resource hints to a third party. A preconnect or dns-prefetch sends no request a network log
 * would show, but the browser resolves the host and (preconnect) opens a TLS connection to it:
 * the third party learns the visitor's IP address at the moment this page loads.
 */
import type { FindingDraft } from '../findings.js';
import type { PageRecord } from '../types.js';
import { vendorOf } from '../vendors.js';
import type { DetectorContext } from './context.js';

export function hintFindings(page: PageRecord, ctx: DetectorContext): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const h of page.hints) {
    let url: URL;
    try {
      url = new URL(h.href, page.url);
    } catch {
      continue;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') continue;
    if (ctx.siteOrigins.has(url.origin) || ctx.relayOrigins.has(url.origin) || ctx.allowOrigins.has(url.origin)) continue;
    const vendor = vendorOf(url.href);
    out.push({
      kind: 'third-party-hint',
      severity: 'medium',
      title: `${h.rel} to ${vendor ? `${vendor.name} (${url.host})` : url.host}`,
      template: page.template,
      destination: url.host,
      ...(vendor ? { vendor: vendor.name, category: vendor.category } : {}),
      why: `A ${h.rel} hint (${h.source === 'header' ? 'Link header' : '<link> element'}) makes the browser contact ${url.host} before anything is requested: the host learns the visitor's IP address when this page opens.`,
      fix: 'Remove the hint (it is usually left over from a tag that is gone), or serve the resource from your own origin.',
      evidence: { page: page.url, consent: page.consent, detail: `<link rel="${h.rel}" href="${h.href}"> (${h.source})` },
    });
  }
  return out;
}
