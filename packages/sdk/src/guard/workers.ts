/**
 * Dedicated workers get the guard too. `new Worker(url)` starts a wrapper script (a blob: URL,
 * which the CSP's `worker-src 'self' blob:` permits) that installs the network guard in the
 * worker and then runs the original script: the code of a blob: or data: URL is appended to the
 * wrapper (the CSP's script-src would refuse importScripts of either), a URL is imported;
 * relative URLs inside and `location` keep referring to the original script's URL. Blocked attempts come back
 * over a BroadcastChannel. A SharedWorker is only checked, not wrapped: a wrapper URL would stop
 * tabs from sharing it; so one made from a blob: or data: URL (code the page wrote, which nothing
 * would guard) is refused, as is a worker started inside a worker (its scope has no guard to give
 * it): realms that cannot be guarded are not created.
 */
import { uuid } from '../uuid.js';
import { installGlobal, type NetworkTools, networkToolsSource, patchNetwork } from './network.js';
import { judge, type GuardPolicy, type RequestKind } from './policy.js';

export interface WorkerMessage {
  /** The blocked URL's origin and first path segment. */
  url: string;
  kind: RequestKind;
}

/**
 * Runs inside the worker, from its source text: self-contained, like `judge`, `patchNetwork` and
 * its tools (`installGlobal`, `cssReferences`), which it receives as arguments. `scope` is the worker's global object, taken
 * from the wrapper's top-level `this`: the page's code follows the guard in the same script, and
 * its function declarations are created before the guard runs, so a `function self() {}` there
 * would otherwise hand the guard a decoy. A scope that is not the global object stops the worker.
 */
function guardWorkerScope(
  scope: any,
  makeJudge: typeof judge,
  patch: typeof patchNetwork,
  tools: NetworkTools,
  pageOrigin: string,
  policy: GuardPolicy,
  base: string,
  channel: string,
): void {
  if (typeof scope !== 'object' || scope === null || typeof scope.postMessage !== 'function') throw new Error('Palisade: no worker global to guard');
  const Url = URL; // taken before the worker's own code can replace it
  const isBlocked = makeJudge(pageOrigin, policy);
  const reports = new BroadcastChannel(channel);
  // The script sees its own URL as its location (a URL has every WorkerLocation field), not the wrapper's.
  const location = new Url(base);
  Object.defineProperty(scope, 'location', { get: () => location });
  patch(
    scope,
    (url, kind) => {
      const u = isBlocked(String(url), base, kind);
      if (u) reports.postMessage({ url: `${u.origin}/${u.pathname.split('/')[1]}`, kind });
      return !!u;
    },
    tools,
    (url) => new Url(url, base).href,
  );
  // A worker started from here would run without the guard: refused, and reported under its
  // script's origin (or scheme, for code the page wrote: blob:, data:).
  for (const name of ['Worker', 'SharedWorker']) {
    if (!scope[name]) continue;
    tools.install(scope, name, function refused(url: unknown) {
      let reported = 'blob:refused';
      try {
        const u = new Url(String(url), base);
        reported = /^https?:$/.test(u.protocol) ? `${u.origin}/${u.pathname.split('/')[1]}` : `${u.protocol}refused`;
      } catch {
        // unparsable: the browser would refuse it too
      }
      reports.postMessage({ url: reported, kind: 'script' });
      throw new DOMException(`${name} inside a worker: blocked by Palisade`, 'SecurityError');
    });
  }
}

/** The script text of a `data:` URL (percent-encoded or base64), or undefined for any other URL. */
export function dataUrlText(href: string): string | undefined {
  const m = /^data:([^,]*),/i.exec(href);
  if (!m) return undefined;
  const body = href.slice(m[0].length);
  try {
    if (!/;\s*base64\s*$/i.test(m[1] ?? '')) return decodeURIComponent(body);
    const bytes = Uint8Array.from(atob(decodeURIComponent(body)), (c) => c.charCodeAt(0));
    return new TextDecoder().decode(bytes);
  } catch {
    return undefined; // malformed: the browser's own attempt fails the same way
  }
}

/**
 * `blobs`: the Blob behind each live blob: URL any guarded realm made, so a worker made from one
 * can be wrapped without reading it.
 */
export function patchWorkers(
  w: any,
  pageOrigin: string,
  policy: GuardPolicy,
  isBlocked: (url: unknown, kind: RequestKind) => boolean,
  report: (url: URL, kind: RequestKind) => void,
  blobs: Map<string, Blob>,
): void {
  const { createObjectURL, revokeObjectURL } = w.URL;
  w.URL.createObjectURL = (object: unknown) => {
    const url = createObjectURL(object);
    if (object instanceof w.Blob) blobs.set(url, object as Blob);
    // A MediaSource's URL plays what the page appends to it: recorded (as an empty blob of that
    // kind) so media from it is told from a blob URL nobody guarded.
    else if (w.MediaSource && object instanceof w.MediaSource) blobs.set(url, new w.Blob([], { type: 'media-source' }));
    return url;
  };
  w.URL.revokeObjectURL = (url: string) => {
    blobs.delete(url);
    revokeObjectURL(url);
  };
  const baseURI = Object.getOwnPropertyDescriptor(w.Node.prototype, 'baseURI')!.get!;
  // Opened with the first worker: a browser without BroadcastChannel still gets the rest of the guard.
  let channel: string | undefined;
  const listen = () => {
    if (channel) return channel;
    channel = `palisade-guard-${uuid()}`;
    new w.BroadcastChannel(channel).onmessage = (e: MessageEvent<WorkerMessage>) => report(new URL(e.data.url), e.data.kind);
    return channel;
  };
  for (const name of ['Worker', 'SharedWorker']) {
    if (!w[name]) continue;
    installGlobal(
      w,
      name,
      new Proxy(w[name], {
        construct(ctor, args, newTarget) {
          const href = new URL(String(args[0]), baseURI.call(w.document)).href;
          args = [href, ...args.slice(1)]; // read once: the URL checked is the URL started
          if (isBlocked(href, 'script')) throw new DOMException(`${name}: blocked by Palisade`, 'SecurityError');
          if (name === 'SharedWorker' && /^(blob|data):/i.test(href)) {
            report(new URL(href), 'script');
            throw new DOMException('SharedWorker from page-written code: blocked by Palisade', 'SecurityError');
          }
          if (name === 'Worker') {
            const json = JSON.stringify;
            const code = blobs.get(href) ?? dataUrlText(href);
            const load = code ?? (args[1]?.type === 'module' ? `await import(${json(href)})` : `importScripts(${json(href)})`);
            // Top-level `this` is the global in a classic script. A module has none: globalThis it
            // is, and a module-level declaration that shadows it fails guardWorkerScope's check.
            const scope = 'typeof this === "object" && this ? this : globalThis';
            const guard = `(${guardWorkerScope})(${scope},${judge},${patchNetwork},${networkToolsSource()},${json(pageOrigin)},${json(policy)},${json(href)},${json(listen())});\n`;
            args = [createObjectURL(new w.Blob([guard, load], { type: 'text/javascript' })), ...args.slice(1)];
          }
          return Reflect.construct(ctor, args, newTarget);
        },
      }),
    );
  }
}
