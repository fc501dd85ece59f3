/**
 * Script-tag entry (the IIFE): `<script src="/palisade.js" data-write-key="pk_..."></script>` as
 * the first element of <head>. Installs the pixel guard before anything else can run, then reads
 * its data-* attributes, replaces the `window.palisade` stub and replays the calls queued in it.
 * Stub entries are `[method, args, page?, timestamp?]`.
 */
import { installGuard } from './guard/guard.js';
import { parseOrigins } from './guard/policy.js';
import type { StubEntry } from './loader-snippet.js';
import { createPalisade, type PalisadeInstance } from './palisade.js';
import type { Category, Properties } from './types.js';

/**
 * The relay serves this file with the config's `browser` block in place of this string
 * (`{"allow": [...], "embeds": [...]}`): the guard allows what the CSP allows.
 */
const SERVED_CONFIG: string = '__PALISADE_BROWSER_CONFIG__';

const w = window as unknown as { palisade?: unknown };
const script = document.currentScript as HTMLScriptElement | null;
const data = script?.dataset ?? {};
const writeKey = data.writeKey;

// The SDK exists a moment after the guard; nothing between the two can make a request.
let palisade: PalisadeInstance | undefined;
if (data.guard !== 'off') {
  const served = (SERVED_CONFIG.startsWith('{') ? JSON.parse(SERVED_CONFIG) : {}) as { allow?: string[]; embeds?: string[] };
  installGuard(window, {
    // The relay's origin (data-api, or where this script came from) and the site's own list.
    allow: [...parseOrigins(`${data.api ?? ''} ${script?.src ?? ''} ${data.allowOrigins ?? ''}`), ...(served.allow ?? [])],
    embeds: served.embeds ?? [],
    report: (b) => palisade?.track('$blocked', b as unknown as Properties),
  });
}

if (writeKey && !(w.palisade && typeof (w.palisade as { track?: unknown }).track === 'function' && !Array.isArray(w.palisade))) {
  const stub = Array.isArray(w.palisade) ? (w.palisade as StubEntry[]) : [];
  palisade = createPalisade({
    writeKey,
    api: data.api,
    // Empty pieces name no category, so they grant nothing.
    consentDefault: (data.consentDefault ?? '').split(/[\s,]+/) as Category[],
    autotrack: data.autotrack !== 'off',
    shims: data.shims !== 'off',
    debug: data.debug !== undefined,
  });
  w.palisade = palisade;
  palisade.replay(stub.map(([method, args, page, timestamp]) => ({ method, args, page, timestamp })));
} else if (!writeKey) {
  console.warn('[palisade] the script tag needs data-write-key');
}
