/**
 * The guard's network layer: every API that fetches a URL it is given, outside the DOM. The list
 * is FETCHING_APIS below (the browser test checks that each one the browser has is covered):
 * fetch, fetchLater, XMLHttpRequest, sendBeacon, WebSocket, WebSocketStream, EventSource,
 * WebTransport, FontFace sources, Cache Storage's add and addAll, worklet modules (audio, paint),
 * payment method manifests, federated identity configuration, and (in workers) importScripts.
 * A blocked call fails the way the browser fails a request the CSP refused: promises reject,
 * an XHR fires `error`, sendBeacon returns false, constructors throw a SecurityError.
 *
 * Every URL is read once: the guard converts it to a string (a Request's with the platform's
 * getter) and hands the browser that string, so a value that names one URL when the guard looks
 * and another when the browser does (a `toString` that changes) cannot pass.
 *
 * Self-contained on purpose: workers run this function's source text (see workers.ts), so it
 * must not reference anything outside its parameters.
 */
export type IsBlocked = (url: unknown, kind: 'connect' | 'script') => boolean;

/**
 * Request-making APIs outside the DOM, as `Global` or `Interface.prototype.member`: the guard
 * covers each one the browser has. The browser test checks this list against the realm (a known
 * fetching API the browser exposes must be on it) and runs each with a third-party URL.
 */
export const FETCHING_APIS = [
  'fetch',
  'fetchLater',
  'XMLHttpRequest.prototype.open',
  'Navigator.prototype.sendBeacon',
  'WebSocket',
  'WebSocketStream',
  'EventSource',
  'WebTransport',
  'FontFace',
  'Cache.prototype.add',
  'Cache.prototype.addAll',
  'Worklet.prototype.addModule',
  'PaymentRequest',
  'CredentialsContainer.prototype.get',
  'RTCPeerConnection',
  'Notification',
  'BackgroundFetchManager.prototype.fetch',
  'importScripts',
] as const;

/** Patches realm `g`; returns the FETCHING_APIS entries it covered there (those the realm has). */
export function patchNetwork(g: any, blocked: IsBlocked, resolve?: (url: string) => string): string[] {
  const covered: string[] = [];
  const refuse = (what: string) => new DOMException(`${what}: blocked by Palisade`, 'SecurityError');
  // A Request's URL is read with the platform's own getter: a look-alike object cannot fake it.
  const requestUrl = g.Request && Object.getOwnPropertyDescriptor(g.Request.prototype, 'url')!.get!;
  /** A call's request as the browser will see it: a Request as it is, anything else as a string. */
  const once = (input: unknown): { url: string; input: unknown } => {
    try {
      return { url: requestUrl.call(input), input };
    } catch {
      const url = String(input);
      return { url, input: url };
    }
  };
  const anyBlocked = (inputs: unknown[]) => inputs.some((r) => blocked(once(r).url, 'connect'));
  // In a worker started from a wrapper blob, relative URLs are meant relative to the original script.
  const rebase = (input: unknown) => (resolve && typeof input === 'string' ? resolve(input) : input);

  for (const name of ['fetch', 'fetchLater']) {
    const original = g[name];
    if (!original) continue;
    covered.push(name);
    g[name] = function (this: unknown, input: unknown, init?: unknown) {
      const request = once(input);
      if (blocked(request.url, 'connect')) {
        if (name === 'fetch') return Promise.reject(new TypeError('Failed to fetch'));
        throw refuse('fetchLater');
      }
      return original.call(this ?? g, rebase(request.input), init);
    };
  }

  // A blocked XHR is opened on about:blank instead, which the browser fails without any request:
  // the page's handlers see the network error (`error`, `loadend`) a CSP block gives them.
  const xhr = g.XMLHttpRequest?.prototype;
  const open = xhr?.open;
  if (open) {
    covered.push('XMLHttpRequest.prototype.open');
    xhr.open = function (this: unknown, method: string, url: unknown, ...rest: unknown[]) {
      const u = String(url);
      return open.call(this, method, blocked(u, 'connect') ? 'about:blank' : rebase(u), ...rest);
    };
  }

  const nav = g.Navigator?.prototype;
  const beacon = nav?.sendBeacon;
  if (beacon) {
    covered.push('Navigator.prototype.sendBeacon');
    nav.sendBeacon = function (this: unknown, url: unknown, data?: unknown) {
      const u = String(url);
      return blocked(u, 'connect') ? false : beacon.call(this, rebase(u), data);
    };
  }

  // Constructors keep their prototype, statics and `instanceof` through a Proxy.
  for (const name of ['WebSocket', 'WebSocketStream', 'EventSource', 'WebTransport']) {
    if (!g[name]) continue;
    covered.push(name);
    g[name] = new Proxy(g[name], {
      construct(ctor, args, newTarget) {
        const u = String(args[0]);
        if (blocked(u, 'connect')) throw refuse(name);
        return Reflect.construct(ctor, [rebase(u), ...args.slice(1)], newTarget);
      },
    });
  }

  /** `url(...)` references in a CSS value (a FontFace source). */
  const cssUrls = (css: unknown): string[] => {
    const out: string[] = [];
    for (const m of String(css).matchAll(/url\(\s*(['"]?)([^'")]*)\1\s*\)/g)) out.push(m[2] as string);
    return out;
  };
  if (g.FontFace) {
    covered.push('FontFace');
    g.FontFace = new Proxy(g.FontFace, {
      construct(ctor, args, newTarget) {
        // A source that is not binary font data is CSS text, whatever object carries it.
        const binary = args[1] instanceof g.ArrayBuffer || g.ArrayBuffer.isView(args[1]);
        if (!binary && args.length > 1) {
          args = [args[0], String(args[1]), ...args.slice(2)];
          if (cssUrls(args[1]).some((u) => blocked(u, 'connect'))) throw refuse('FontFace');
        }
        return Reflect.construct(ctor, args, newTarget);
      },
    });
  }

  // Cache Storage fetches what it is asked to add.
  const cache = g.Cache?.prototype;
  if (cache?.add) {
    covered.push('Cache.prototype.add', 'Cache.prototype.addAll');
    const add = cache.add;
    const addAll = cache.addAll;
    cache.add = function (this: unknown, request: unknown) {
      const r = once(request);
      return blocked(r.url, 'connect') ? Promise.reject(new TypeError('Failed to fetch')) : add.call(this, r.input);
    };
    cache.addAll = function (this: unknown, requests: Iterable<unknown>) {
      const list = [...requests].map((r) => once(r).input);
      return anyBlocked(list) ? Promise.reject(new TypeError('Failed to fetch')) : addAll.call(this, list);
    };
  }

  // Background Fetch downloads what it is given, even after the page is gone.
  const backgroundFetch = g.BackgroundFetchManager?.prototype;
  if (backgroundFetch?.fetch) {
    covered.push('BackgroundFetchManager.prototype.fetch');
    const bgFetch = backgroundFetch.fetch;
    backgroundFetch.fetch = function (this: unknown, id: unknown, requests: unknown, options?: unknown) {
      const list = (Array.isArray(requests) ? requests : [requests]).map((r) => once(r).input);
      return anyBlocked(list) ? Promise.reject(new TypeError('Failed to fetch')) : bgFetch.call(this, id, list, options);
    };
  }

  // Worklet modules (audio, paint, layout) are scripts.
  const worklet = g.Worklet?.prototype;
  if (worklet?.addModule) {
    covered.push('Worklet.prototype.addModule');
    const addModule = worklet.addModule;
    worklet.addModule = function (this: unknown, url: unknown, options?: unknown) {
      const u = String(url);
      return blocked(u, 'script') ? Promise.reject(refuse('Worklet.addModule')) : addModule.call(this, u, options);
    };
  }

  // A payment method named by URL has its manifest fetched from that URL.
  if (g.PaymentRequest) {
    covered.push('PaymentRequest');
    g.PaymentRequest = new Proxy(g.PaymentRequest, {
      construct(ctor, args, newTarget) {
        if (Array.isArray(args[0])) {
          const methods = args[0].map((m: { supportedMethods?: unknown }) => ({ ...m, supportedMethods: String(m?.supportedMethods) }));
          if (methods.some((m) => /^https?:/i.test(m.supportedMethods) && blocked(m.supportedMethods, 'connect'))) throw refuse('PaymentRequest');
          args = [methods, ...args.slice(1)];
        }
        return Reflect.construct(ctor, args, newTarget);
      },
    });
  }

  // Federated identity (FedCM) fetches each provider's configuration URL and its well-known file.
  const credentials = g.CredentialsContainer?.prototype;
  if (credentials?.get) {
    covered.push('CredentialsContainer.prototype.get');
    const get = credentials.get;
    credentials.get = function (this: unknown, options?: { identity?: { providers?: Array<{ configURL?: unknown }> } }) {
      const identity = options?.identity;
      if (!identity?.providers) return get.call(this, options);
      const providers = [...identity.providers].map((p) => (p?.configURL === undefined ? p : { ...p, configURL: String(p.configURL) }));
      if (providers.some((p) => p?.configURL !== undefined && p.configURL !== 'any' && blocked(p.configURL, 'connect'))) {
        return Promise.reject(new DOMException('blocked by Palisade', 'NetworkError'));
      }
      return get.call(this, { ...options, identity: { ...identity, providers } });
    };
  }

  // STUN and TURN servers are contacted directly, outside HTTP: judged by their host and port.
  // The configuration is copied with its URLs as strings, and the copy is what the browser gets.
  type IceConfig = { iceServers?: Array<{ urls?: unknown }> } | undefined;
  const iceChecked = (config: IceConfig): IceConfig => {
    if (!config?.iceServers) return config;
    const iceServers = [...config.iceServers].map((server) => ({ ...server, urls: ([] as unknown[]).concat(server?.urls ?? []).map(String) }));
    const reaches = iceServers.some((server) =>
      server.urls.some((u) => {
        const host = /^(?:stuns?|turns?):([^?]+)/i.exec(u)?.[1];
        return host !== undefined && blocked(`https://${host}`, 'connect');
      }),
    );
    if (reaches) throw refuse('RTCPeerConnection');
    return { ...config, iceServers };
  };
  if (g.RTCPeerConnection) {
    covered.push('RTCPeerConnection');
    const peer = g.RTCPeerConnection;
    const setConfiguration = peer.prototype.setConfiguration;
    if (setConfiguration) {
      peer.prototype.setConfiguration = function (this: unknown, config?: IceConfig) {
        return setConfiguration.call(this, iceChecked(config));
      };
    }
    g.RTCPeerConnection = new Proxy(peer, {
      construct(ctor, args, newTarget) {
        return Reflect.construct(ctor, args.length ? [iceChecked(args[0]), ...args.slice(1)] : args, newTarget);
      },
    });
  }

  // A notification fetches its icon, image and badge.
  if (g.Notification) {
    covered.push('Notification');
    g.Notification = new Proxy(g.Notification, {
      construct(ctor, args, newTarget) {
        if (args[1]) {
          const o = { ...args[1] };
          for (const key of ['icon', 'image', 'badge']) {
            if (o[key] === undefined) continue;
            o[key] = String(o[key]);
            if (blocked(o[key], 'connect')) throw refuse('Notification');
          }
          args = [args[0], o, ...args.slice(2)];
        }
        return Reflect.construct(ctor, args, newTarget);
      },
    });
  }

  const importScripts = g.importScripts;
  if (importScripts) {
    covered.push('importScripts');
    g.importScripts = (...args: unknown[]) => {
      const urls = args.map(String);
      if (urls.some((u) => blocked(u, 'script'))) throw refuse('importScripts');
      return importScripts.apply(g, urls.map(rebase));
    };
  }
  return covered;
}
