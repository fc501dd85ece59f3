/** Which pages to scan: start URLs, same-origin links breadth-first, and a sitemap's URLs. */
const SKIP_EXTENSIONS = /\.(pdf|jpe?g|png|gif|svg|webp|ico|zip|gz|mp4|mp3|docx?|xlsx?|pptx?|css|js|json|xml|txt)$/i;
const SIGN_OUT = /log.?out|sign.?out|logoff/i;
const MAX_SITEMAP_BYTES = 5 * 1024 * 1024;
const LOC = /<loc>\s*([^<\s]{1,2048})\s*<\/loc>/g;

/** The URL as the crawler keys it: no fragment. */
export function pageKey(url: string): string {
  const u = new URL(url);
  u.hash = '';
  return u.href;
}

/** Whether a link is worth scanning: same origin as a start URL, a page, not a sign-out. */
export function crawlable(href: string, origins: ReadonlySet<string>): string | undefined {
  let u: URL;
  try {
    u = new URL(href);
  } catch {
    return undefined;
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || !origins.has(u.origin)) return undefined;
  if (SKIP_EXTENSIONS.test(u.pathname) || SIGN_OUT.test(u.pathname)) return undefined;
  return pageKey(u.href);
}

/** The page URLs of a sitemap (first 1,000, same-origin only). */
export async function sitemapUrls(sitemap: string, origins: ReadonlySet<string>): Promise<string[]> {
  const response = await fetch(sitemap, { signal: AbortSignal.timeout(15_000) });
  if (!response.ok) throw new Error(`sitemap ${sitemap} answered ${response.status}`);
  const text = await response.text();
  if (text.length > MAX_SITEMAP_BYTES) throw new Error(`sitemap ${sitemap} is larger than 5 MB`);
  const urls: string[] = [];
  for (const m of text.matchAll(LOC)) {
    const url = crawlable(m[1]!.replaceAll('&amp;', '&'), origins);
    if (url && !urls.includes(url)) urls.push(url);
    if (urls.length >= 1000) break;
  }
  return urls;
}
