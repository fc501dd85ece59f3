/**
 * Script-tag entry (the IIFE): `<script src="/palisade.js" data-write-key="pk_..."></script>` as
 * the first element of <head>. Reads its data-* attributes, replaces the `window.palisade` stub
 * and replays the calls queued in it. Stub entries are `[method, args, page?, timestamp?]`.
 */
import { createPalisade, type BufferedCall } from './palisade.js';
import type { Category } from './types.js';

type StubEntry = [string, unknown[], BufferedCall['page']?, string?];

const w = window as unknown as { palisade?: unknown };
const script = document.currentScript as HTMLScriptElement | null;
const data = script?.dataset ?? {};
const writeKey = data.writeKey;

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
  palisade.replay(stub.map(([method, args, page, timestamp]) => ({
    method,
    args: Array.isArray(args) ? args : [],
    ...(page ? { page } : {}),
    ...(timestamp ? { timestamp } : {}),
  })));
} else if (!writeKey) {
  console.warn('[palisade] the script tag needs data-write-key');
}
