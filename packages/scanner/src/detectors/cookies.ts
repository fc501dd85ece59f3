/** Cookies set for a domain that is neither the site's nor the relay's, and storage written by other origins' frames. */
import type { FindingDraft } from '../findings.js';
import type { PageRecord } from '../types.js';
import { rootDomain, vendorOf } from '../vendors.js';
import type { DetectorContext } from './context.js';

export function cookieFindings(page: PageRecord, ctx: DetectorContext): FindingDraft[] {
  const own = new Set([...ctx.siteOrigins, ...ctx.relayOrigins, ...ctx.allowOrigins.keys()].map((o) => rootDomain(o)));
  const out: FindingDraft[] = [];
  for (const c of page.cookies) {
    const domain = c.domain.replace(/^\./, '');
    if (own.has(rootDomain(domain))) continue;
    const vendor = vendorOf(`https://${domain}/`);
    out.push({
      kind: 'third-party-cookie',
      severity: 'high',
      title: `Cookie ${c.name} set for ${domain}${vendor ? ` (${vendor.name})` : ''}`,
      template: page.template,
      destination: `${domain} ${c.name}`,
      ...(vendor ? { vendor: vendor.name, category: vendor.category } : {}),
      why: `A cookie of ${domain} lets its owner recognize this visitor on every site that embeds it, and tie the visit to this page.`,
      fix: 'Remove the embed or tag that sets it (the evidence page shows where it appeared), or replace the embed with a click-to-load placeholder.',
      evidence: { page: page.url, consent: page.consent, detail: `${c.name}; domain ${c.domain}; path ${c.path}; SameSite ${c.sameSite}${c.secure ? '; Secure' : ''}` },
    });
  }
  for (const s of page.frameStorage) {
    if (ctx.siteOrigins.has(s.origin) || ctx.relayOrigins.has(s.origin) || ctx.allowOrigins.has(s.origin) || own.has(rootDomain(s.origin))) continue;
    const vendor = vendorOf(`${s.origin}/`);
    const host = new URL(s.origin).host;
    out.push({
      kind: 'third-party-storage',
      severity: 'high',
      title: `Storage written by ${vendor ? `${vendor.name} (${host})` : host} in a frame`,
      template: page.template,
      destination: host,
      ...(vendor ? { vendor: vendor.name, category: vendor.category } : {}),
      why: `A frame of ${host} keeps identifiers in its own storage: like a cookie, it lets that origin recognize the visitor.`,
      fix: 'Remove the embed, or load it only after the visitor clicks (a placeholder in its place).',
      evidence: { page: page.url, consent: page.consent, detail: `keys: ${s.keys.join(', ')}` },
    });
  }
  return out;
}
