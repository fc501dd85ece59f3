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
  'IdentityCredential.disconnect',
  'importScripts',
] as const;

/**
 * Puts `value` in place of global `name` of `g` wherever the platform defines it (an own property
 * of a window, the prototype of a worker's global), so neither `delete` nor a call through the
 * prototype reaches the original; a constructor's `prototype.constructor`, and its legacy
 * `webkit` alias, follow. Self-contained: workers run its source text.
 */
export function installGlobal(g: any, name: string, value: unknown): void {
  const original = g[name];
  for (let o = g; o; o = Object.getPrototypeOf(o)) {
    const d = Object.getOwnPropertyDescriptor(o, name);
    if (d && 'value' in d) Object.defineProperty(o, name, { ...d, value });
  }
  const proto = typeof original === 'function' ? original.prototype : undefined;
  if (proto && Object.getOwnPropertyDescriptor(proto, 'constructor')?.value === original) {
    Object.defineProperty(proto, 'constructor', { value, writable: true, enumerable: false, configurable: true });
  }
  if (g[`webkit${name}`] === original) installGlobal(g, `webkit${name}`, value);
}

/**
 * What a CSS value (a FontFace source, an SVG presentation attribute) could fetch: with CSS escapes
 * undone (`\3a ` is `:`), the content of every `url(...)` and every quoted string (`image-set("...")`).
 * Self-contained: workers run its source text.
 */
export function cssReferences(css: string): string[] {
  const text = css.replace(/\\([0-9a-fA-F]{1,6})[ \t\n\r\f]?|\\([\s\S])/g, (_, hex: string | undefined, ch: string) =>
    hex ? String.fromCodePoint(Math.min(Number.parseInt(hex, 16), 0x10ffff)) : ch,
  );
  return [...text.matchAll(/url\(\s*([^'")\s]*)\s*\)|'([^']*)'|"([^"]*)"/gi)].map((m) => (m[1] ?? m[2] ?? m[3]) as string);
}

/** The self-contained helpers patchNetwork uses, passed in because workers run its source text alone. */
export interface NetworkTools {
  install: typeof installGlobal;
  cssReferences: typeof cssReferences;
}
export const NETWORK_TOOLS: NetworkTools = { install: installGlobal, cssReferences };
/** NETWORK_TOOLS as source text, for a worker's wrapper script. */
export const networkToolsSource = () => `{install:${installGlobal},cssReferences:${cssReferences}}`;

/** Patches realm `g`; returns the FETCHING_APIS entries it covered there (those the realm has). */
export function patchNetwork(g: any, blocked: IsBlocked, { install, cssReferences }: NetworkTools, resolve?: (url: string) => string): string[] {
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
    install(g, name, function (this: unknown, input: unknown, init?: unknown) {
      const request = once(input);
      if (blocked(request.url, 'connect')) {
        if (name === 'fetch') return Promise.reject(new TypeError('Failed to fetch'));
        throw refuse('fetchLater');
      }
      return original.call(this ?? g, rebase(request.input), init);
    });
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

  // Constructors keep their prototype, statics and `instanceof` through a Proxy; `check` returns
  // the arguments the browser gets (copies, with URLs as strings) or throws.
  const guardConstructor = (name: string, check: (args: unknown[]) => unknown[]) => {
    if (!g[name]) return;
    covered.push(name);
    install(g, name, new Proxy(g[name], { construct: (ctor, args, newTarget) => Reflect.construct(ctor, check(args), newTarget) }));
  };
  for (const name of ['WebSocket', 'WebSocketStream', 'EventSource', 'WebTransport']) {
    guardConstructor(name, (args) => {
      const u = String(args[0]);
      if (blocked(u, 'connect')) throw refuse(name);
      return [rebase(u), ...args.slice(1)];
    });
  }

  // Binary font data, by the platform's own brand check (an object that only inherits from
  // ArrayBuffer.prototype is CSS text to the browser).
  const byteLength = g.ArrayBuffer && Object.getOwnPropertyDescriptor(g.ArrayBuffer.prototype, 'byteLength')?.get;
  const isBinary = (x: unknown) => {
    if (g.ArrayBuffer.isView(x)) return true;
    try {
      byteLength.call(x);
      return true;
    } catch {
      return false;
    }
  };
  guardConstructor('FontFace', (args) => {
    if (args.length < 2 || isBinary(args[1])) return args;
    const source = String(args[1]);
    if (cssReferences(source).some((u) => blocked(u, 'connect'))) throw refuse('FontFace');
    return [args[0], source, ...args.slice(2)];
  });

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

  // A payment method named by URL has its manifest fetched from that URL. The methods (any
  // iterable) are copied, each one's identifier read once.
  guardConstructor('PaymentRequest', (args) => {
    if (args[0] === null || typeof args[0] !== 'object') return args;
    const methods = Array.from(args[0] as Iterable<{ supportedMethods?: unknown }>, (m) => {
      const method = { ...m, supportedMethods: String(m?.supportedMethods) };
      if (blocked(method.supportedMethods, 'connect') && /^\s*[a-z][a-z\d+.-]*:/i.test(method.supportedMethods)) throw refuse('PaymentRequest');
      return method;
    });
    return [methods, ...args.slice(1)];
  });

  // Federated identity (FedCM) fetches each provider's configuration URL and its well-known file.
  const credentials = g.CredentialsContainer?.prototype;
  if (credentials?.get) {
    covered.push('CredentialsContainer.prototype.get');
    const get = credentials.get;
    credentials.get = function (this: unknown, options?: { identity?: { providers?: Iterable<{ configURL?: unknown }> } }) {
      // Each level read once: the browser gets copies, never the caller's getters.
      const identity = options?.identity;
      if (identity === null || typeof identity !== 'object') return get.call(this, options);
      const list = identity.providers;
      const providers =
        list === null || typeof list !== 'object'
          ? list
          : Array.from(list, (p) => {
              const copy = { ...p, configURL: p?.configURL === undefined ? undefined : String(p.configURL) };
              if (copy.configURL !== undefined && copy.configURL !== 'any' && blocked(copy.configURL, 'connect')) throw refuse('IdentityCredential');
              return copy;
            });
      return get.call(this, { ...options, identity: { ...identity, providers } });
    };
  }
  // Disconnecting an account fetches the provider's configuration and well-known file too.
  const identityCredential = g.IdentityCredential;
  if (identityCredential?.disconnect) {
    covered.push('IdentityCredential.disconnect');
    const disconnect = identityCredential.disconnect;
    identityCredential.disconnect = function (this: unknown, options?: { configURL?: unknown }) {
      if (options === null || typeof options !== 'object') return disconnect.call(this, options);
      const copy = { ...options, configURL: String(options.configURL) };
      if (blocked(copy.configURL, 'connect')) return Promise.reject(refuse('IdentityCredential.disconnect'));
      return disconnect.call(this, copy);
    };
  }

  // STUN and TURN servers are contacted directly, outside HTTP: judged by their host and port.
  // The configuration is copied with its URLs as strings, and the copy is what the browser gets.
  type IceConfig = { iceServers?: Iterable<{ urls?: unknown }> } | undefined;
  const iceChecked = (config: IceConfig): IceConfig => {
    if (config === null || typeof config !== 'object') return config;
    const servers = config.iceServers; // read once, like every level below
    if (servers === null || typeof servers !== 'object') return { ...config, iceServers: servers };
    const iceServers = Array.from(servers, (server) => {
      const urls = server?.urls;
      return { ...server, urls: (typeof urls === 'object' && urls !== null ? Array.from(urls as Iterable<unknown>) : urls === undefined ? [] : [urls]).map(String) };
    });
    const reaches = iceServers.some((server) =>
      server.urls.some((u) => {
        const host = /^(?:stuns?|turns?):([^?]+)/i.exec(u)?.[1];
        return host !== undefined && blocked(`https://${host}`, 'connect');
      }),
    );
    if (reaches) throw refuse('RTCPeerConnection');
    return { ...config, iceServers };
  };
  const setConfiguration = g.RTCPeerConnection?.prototype.setConfiguration;
  if (setConfiguration) {
    g.RTCPeerConnection.prototype.setConfiguration = function (this: unknown, config?: IceConfig) {
      return setConfiguration.call(this, iceChecked(config));
    };
  }
  guardConstructor('RTCPeerConnection', (args) => (args.length ? [iceChecked(args[0] as IceConfig), ...args.slice(1)] : args));

  // A notification fetches its icon, image and badge.
  guardConstructor('Notification', (args) => {
    if (args[1] === null || typeof args[1] !== 'object') return args;
    const o: Record<string, unknown> = { ...args[1] };
    for (const key of ['icon', 'image', 'badge']) {
      if (o[key] === undefined) continue;
      o[key] = String(o[key]);
      if (blocked(o[key], 'connect')) throw refuse('Notification');
    }
    return [args[0], o, ...args.slice(2)];
  });

  const importScripts = g.importScripts;
  if (importScripts) {
    covered.push('importScripts');
    install(g, 'importScripts', (...args: unknown[]) => {
      const urls = args.map(String);
      if (urls.some((u) => blocked(u, 'script'))) throw refuse('importScripts');
      return importScripts.apply(g, urls.map(rebase));
    });
  }
  return covered;
}
