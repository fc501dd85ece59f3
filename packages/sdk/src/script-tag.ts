/**
 * Script-tag entry (the IIFE): `<script src="/palisade.js" data-write-key="pk_..."></script>` as
 * the first element of <head>. Installs the pixel guard before anything else can run, then reads
 * its data-* attributes, replaces the `window.palisade` stub and replays the calls queued in it.
 * Stub entries are `[method, args, page?, timestamp?]`.
 */
import { installGuard, type BlockedRequest } from './guard/guard.js';
import { parseOrigins } from './guard/policy.js';
import { createPalisade, type BufferedCall } from './palisade.js';
import type { Category } from './types.js';

/**
 * The relay serves this file with the config's `browser` block in place of this string
 * (`{"allow": [...], "embeds": [...]}`): the guard allows what the CSP allows.
 */
const SERVED_CONFIG: string = '__PALISADE_BROWSER_CONFIG__';

type StubEntry = [string, unknown[], BufferedCall['page']?, string?];

const w = window as unknown as { palisade?: unknown };
const script = document.currentScript as HTMLScriptElement | null;
const data = script?.dataset ?? {};
const writeKey = data.writeKey;

const blockedSoFar: BlockedRequest[] = [];
let onBlocked: (b: BlockedRequest) => void = (b) => blockedSoFar.push(b);
if (data.guard !== 'off') {
  const served = (SERVED_CONFIG.startsWith('{') ? JSON.parse(SERVED_CONFIG) : {}) as { allow?: string[]; embeds?: string[] };
  const relay = parseOrigins(`${data.api ?? ''} ${script?.src ?? ''}`);
  installGuard(window, {
    allow: [...relay, ...parseOrigins(data.allowOrigins), ...(served.allow ?? [])],
    embeds: served.embeds ?? [],
    report: (b) => onBlocked(b),
  });
}

if (writeKey && !(w.palisade && typeof (w.palisade as { track?: unknown }).track === 'function' && !Array.isArray(w.palisade))) {
  const stub = Array.isArray(w.palisade) ? (w.palisade as StubEntry[]) : [];
  const palisade = createPalisade({
    writeKey,
    ...(data.api ? { api: data.api } : {}),
    consentDefault: (data.consentDefault ?? '').split(/[\s,]+/).filter(Boolean) as Category[],
    autotrack: data.autotrack !== 'off',
    shims: data.shims !== 'off',
    debug: data.debug !== undefined,
  });
  w.palisade = palisade;
  onBlocked = (b) => palisade.track('$blocked', { ...b });
  blockedSoFar.splice(0).forEach(onBlocked);
  palisade.replay(stub.map(([method, args, page, timestamp]) => ({
    method,
    args: Array.isArray(args) ? args : [],
    ...(page ? { page } : {}),
    ...(timestamp ? { timestamp } : {}),
  })));
} else if (!writeKey) {
  console.warn('[palisade] the script tag needs data-write-key');
}
