/**
 * The guard's network layer: fetch, fetchLater, XMLHttpRequest, sendBeacon, WebSocket,
 * EventSource, WebTransport and (in workers) importScripts. A blocked call fails the way the
 * browser fails a request the CSP refused: fetch rejects with a TypeError, an XHR fires `error`,
 * sendBeacon returns false, the socket constructors throw a SecurityError.
 *
 * Self-contained on purpose: workers run this function's source text (see workers.ts), so it
 * must not reference anything outside its parameters.
 */
export type IsBlocked = (url: unknown, kind: 'connect' | 'script') => boolean;

export function patchNetwork(g: any, blocked: IsBlocked, resolve?: (url: string) => string): void {
  const refuse = (what: string) => new DOMException(`${what}: blocked by Palisade`, 'SecurityError');
  // A Request's URL is read with the platform's own getter: a look-alike object cannot fake it.
  const requestUrl = g.Request && Object.getOwnPropertyDescriptor(g.Request.prototype, 'url')!.get!;
  const target = (input: unknown): unknown => {
    try {
      return requestUrl.call(input);
    } catch {
      return input;
    }
  };
  // In a worker started from a wrapper blob, relative URLs are meant relative to the original script.
  const rebase = (input: unknown) => (resolve && (typeof input === 'string' || input instanceof g.URL) ? resolve(String(input)) : input);

  for (const name of ['fetch', 'fetchLater']) {
    const original = g[name];
    if (!original) continue;
    g[name] = function (this: unknown, input: unknown, init?: unknown) {
      if (blocked(target(input), 'connect')) {
        if (name === 'fetch') return Promise.reject(new TypeError('Failed to fetch'));
        throw refuse('fetchLater');
      }
      return original.call(this ?? g, rebase(input), init);
    };
  }

  // A blocked XHR is opened on about:blank instead, which the browser fails without any request:
  // the page's handlers see the network error (`error`, `loadend`) a CSP block gives them.
  const xhr = g.XMLHttpRequest?.prototype;
  const open = xhr?.open;
  if (open) {
    xhr.open = function (this: unknown, method: string, url: unknown, ...rest: unknown[]) {
      return open.call(this, method, blocked(url, 'connect') ? 'about:blank' : rebase(url), ...rest);
    };
  }

  const nav = g.Navigator?.prototype;
  const beacon = nav?.sendBeacon;
  if (beacon) {
    nav.sendBeacon = function (this: unknown, url: unknown, data?: unknown) {
      return blocked(url, 'connect') ? false : beacon.call(this, rebase(url), data);
    };
  }

  // Constructors keep their prototype, statics and `instanceof` through a Proxy.
  for (const name of ['WebSocket', 'EventSource', 'WebTransport']) {
    if (!g[name]) continue;
    g[name] = new Proxy(g[name], {
      construct(ctor, args, newTarget) {
        if (blocked(args[0], 'connect')) throw refuse(name);
        return Reflect.construct(ctor, [rebase(args[0]), ...args.slice(1)], newTarget);
      },
    });
  }

  const importScripts = g.importScripts;
  if (importScripts) {
    g.importScripts = (...urls: unknown[]) => {
      if (urls.some((u) => blocked(u, 'script'))) throw refuse('importScripts');
      return importScripts.apply(g, urls.map(rebase));
    };
  }
}
