/**
 * Ad click ids from the landing URL (`?gclid=...`), kept first-party for 90 days in a cookie and
 * localStorage (either restores the other), the newest per vendor winning, and sent on every
 * message in `context.clickIds`. Meta's `fbclid` is kept as Meta's `fbc` cookie value
 * (`fb.1.<ms>.<fbclid>`). The relay, not the browser, decides where a click id may go: only to a
 * destination that opted in, for an event with a patient authorization.
 */
import { readCookie, writeCookie } from './identity.js';

const KEY = 'palisade_clk';
const PARAMS = ['gclid', 'gbraid', 'wbraid', 'fbclid', 'ttclid', 'li_fat_id', 'msclkid'];
const MAX_AGE_S = 90 * 24 * 3600;

/** Vendor key -> [value, when it was seen (ms)]. */
type Kept = Record<string, [string, number]>;

/** What was kept, entries of the right shape only: the cookie is the page's to write too. */
function load(): Kept {
  const kept: Kept = {};
  try {
    const cookie = readCookie(KEY);
    const saved = JSON.parse(cookie ? decodeURIComponent(cookie) : (localStorage.getItem(KEY) ?? '{}')) as Record<string, unknown>;
    for (const key of PARAMS.concat('fbc')) {
      const entry = saved?.[key];
      if (Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'number') kept[key] = entry as [string, number];
    }
  } catch {
    // Damaged: start again.
  }
  return kept;
}

export function clickIds(now = Date.now()): Record<string, string> | undefined {
  const kept = load();
  let changed = false;
  const query = new URLSearchParams(location.search);
  for (const param of PARAMS) {
    const value = query.get(param);
    if (!value || value.length > 500) continue;
    const key = param === 'fbclid' ? 'fbc' : param;
    // A reload of the same landing URL keeps the first sighting (Meta wants the click's time).
    if (kept[key]?.[0].endsWith(value)) continue;
    kept[key] = [param === 'fbclid' ? `fb.1.${now}.${value}` : value, now];
    changed = true;
  }
  const ids: Record<string, string> = {};
  for (const key in kept) {
    const entry = kept[key]!;
    if (now - entry[1] < MAX_AGE_S * 1000) ids[key] = entry[0];
    else {
      delete kept[key];
      changed = true;
    }
  }
  if (changed) {
    const json = JSON.stringify(kept);
    writeCookie(KEY, encodeURIComponent(json), MAX_AGE_S);
    try {
      localStorage.setItem(KEY, json);
    } catch {
      // The cookie still keeps them.
    }
  }
  for (const _ in ids) return ids;
  return undefined;
}
