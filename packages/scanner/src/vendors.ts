/**
 * Who a third-party host belongs to, from `third-party-web` (MIT, Lighthouse's map of entities):
 * the entity's name (or its product's, where the URL names one) and its category.
 */
import { createRequire } from 'node:module';
import type * as ThirdPartyWeb from 'third-party-web/nostats-subset.js';

// A CommonJS module whose exports Node's ESM loader cannot name: loaded with require.
const { getEntity, getProduct, getRootDomain } = createRequire(import.meta.url)('third-party-web/nostats-subset.js') as typeof ThirdPartyWeb;

export interface Vendor {
  name: string;
  category: string;
}

/** Products the map files under a parent entity, which a report should still name. */
const PRODUCTS: { host: RegExp; path: RegExp; name: string; category: string }[] = [
  { host: /(^|\.)google\.[a-z.]+$/, path: /^\/maps(\/|$)/, name: 'Google Maps', category: 'utility' },
  { host: /^maps\.(googleapis|gstatic)\.com$/, path: /^\//, name: 'Google Maps', category: 'utility' },
];

export function vendorOf(url: string): Vendor | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const known = PRODUCTS.find((p) => p.host.test(parsed.hostname) && p.path.test(parsed.pathname));
  if (known) return { name: known.name, category: known.category };
  const product = getProduct(url);
  if (product) return { name: product.name, category: product.category };
  const entity = getEntity(url);
  return entity ? { name: entity.name, category: entity.category } : undefined;
}

/** The registrable domain (`www.facebook.com` -> `facebook.com`), for grouping cookies and hosts. */
export function rootDomain(urlOrHost: string): string {
  try {
    return getRootDomain(urlOrHost.includes('://') ? urlOrHost : `https://${urlOrHost.replace(/^\./, '')}/`);
  } catch {
    return urlOrHost;
  }
}
