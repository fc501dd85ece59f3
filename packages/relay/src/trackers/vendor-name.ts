/**
 * Who is behind a third-party URL, for the tracker inventory: the MIT-licensed `third-party-web`
 * entity map (the one Lighthouse uses), with a few names made more useful for this audience.
 * Works on the full URL (some products share a host), which is then discarded.
 */
import { createRequire } from 'node:module';

interface Entity {
  name: string;
}

const { getEntity } = createRequire(import.meta.url)('third-party-web') as { getEntity(url: string): Entity | undefined };

/** Products that share a host with others, told apart by path. */
const BY_PATH: Array<[host: RegExp, path: RegExp, name: string]> = [
  [/(^|\.)google\.[a-z.]+$/, /^\/maps\b/, 'Google Maps'],
  [/(^|\.)youtube(-nocookie)?\.com$/, /^\//, 'YouTube'],
];

const RENAMES: Record<string, string> = {
  Facebook: 'Meta (Facebook)',
  'LinkedIn Ads': 'LinkedIn',
};

export function vendorName(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  for (const [host, path, name] of BY_PATH) {
    if (host.test(parsed.hostname) && path.test(parsed.pathname)) return name;
  }
  const name = getEntity(parsed.href)?.name;
  return name === undefined ? undefined : (RENAMES[name] ?? name);
}
