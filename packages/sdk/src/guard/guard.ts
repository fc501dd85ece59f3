/**
 * The pixel guard: installed synchronously, before any other script of the page runs, it keeps
 * every realm of the page (the window, each same-origin frame, each dedicated worker) from
 * contacting an origin that is neither the page's own, the relay's nor one the site allowed.
 * Each blocked attempt is reported once per origin, kind and page (see report.ts).
 *
 * It is the first of two layers. Runtime patching cannot stop the browser's preload scanner, a
 * static `import`, or CSS `url()`; the Content-Security-Policy the relay builds can. The guard
 * stops what the CSP cannot name: it tells the site which vendor tried, and it works where the
 * CSP header cannot be set yet.
 */
import { GUARD_HOOK, patchDom } from './dom.js';
import { NETWORK_TOOLS, patchNetwork } from './network.js';
import { judge, type GuardPolicy, type RequestKind } from './policy.js';
import { reporter, type BlockedRequest } from './report.js';
import { patchWorkers } from './workers.js';

/** Under `Symbol.for(COVERED_HOOK)` each guarded realm lists the request-making APIs it guards. */
export const COVERED_HOOK = 'palisade.guard.covered';

export interface GuardOptions extends GuardPolicy {
  /** Receives each blocked attempt that survives deduplication and the rate limit. */
  report(blocked: BlockedRequest): void;
}

export function installGuard(w: Window, options: GuardOptions): void {
  const pageOrigin = w.location.origin;
  const isBlocked = judge(pageOrigin, options);
  const report = reporter(options.report, () => w.location.pathname);
  const hook = Symbol.for(GUARD_HOOK);

  const blockedUrl = (url: string, base: string, kind: RequestKind) => {
    const u = isBlocked(url, base, kind);
    if (u) report(u, kind);
    return u !== undefined;
  };
  /** A realm that no guard could reach was refused: reported under its URL's scheme. */
  const refused = (scheme: string, kind: RequestKind) => report(new URL(`${scheme}refused`), kind);
  /** Per guarded realm: watch its current document (see patchDom). */
  const watchers = new WeakMap<object, () => void>();
  const blobs = new Map<string, Blob>();

  const guardRealm = (realm: any): void => {
    try {
      if (realm[hook] && realm[hook] !== guardRealm) {
        realm[hook](realm); // guarded by another copy of Palisade
        return;
      }
    } catch {
      return; // another origin's window
    }
    if (!realm[hook]) {
      Object.defineProperty(realm, hook, { value: guardRealm });
      // The document's base through the platform's getter (a page may redefine baseURI).
      const baseURI = Object.getOwnPropertyDescriptor(realm.Node.prototype, 'baseURI')!.get!;
      const blocked = (url: unknown, kind: RequestKind) => blockedUrl(String(url), baseURI.call(realm.document), kind);
      const covered = patchNetwork(realm, blocked, NETWORK_TOOLS);
      patchWorkers(realm, pageOrigin, options, blocked, report, blobs);
      // What this realm's guard covers, for the API-inventory test (and anyone auditing a page).
      Object.defineProperty(realm, Symbol.for(COVERED_HOOK), { value: Object.freeze([...covered, ...['Worker', 'SharedWorker'].filter((n) => realm[n])]) });
      watchers.set(
        realm,
        patchDom(realm, blockedUrl, refused, guardRealm, (url) => blobs.get(url)?.type),
      );
    }
    watchers.get(realm)?.();
  };
  guardRealm(w);
}

export type { BlockedRequest, GuardPolicy, RequestKind };
