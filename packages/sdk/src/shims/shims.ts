/**
 * Tag shims: the calls a site already makes to vendor tags keep working without the vendors'
 * scripts and become first-party `track` events. Installed before the page's own snippets run,
 * so those snippets find a Palisade stand-in and do not load the vendor script:
 *  - `dataLayer.push({event, ...})` and gtag's `dataLayer.push(arguments)`;
 *  - `gtag('event', name, params)`, `gtag('config', id)`, `gtag('consent', 'update', {...})`;
 *  - `fbq('init', id)`, `fbq('track' | 'trackCustom', name, params)`;
 *  - `ttq.track/page/identify`, `lintrk('track', {conversion_id})`, `uetq.push('event', action, params)`.
 * Each event's context names the shim and the vendor id; the relay decides where it may go.
 */
import type { Palisade, Properties } from '../types.js';

/** `context` names the shim and the vendor id; an id the page never gave is left undefined (JSON drops it). */
export type ShimTrack = (event: string, properties: Properties, context: Record<string, string | undefined>) => void;

type AnyWindow = Record<string, any>;

function isObject(v: unknown): v is Properties {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A vendor call's parameters as event properties: only a plain object counts. */
const props = (v: unknown): Properties => (isObject(v) ? v : {});

/** Names gtag uses for its own bookkeeping: not events anyone asked for. */
const GTM_INTERNAL = /^gtm\./;

export function installShims(w: AnyWindow, palisade: Palisade, track: ShimTrack): void {
  let measurementId: string | undefined;

  const fromGtag = (args: ArrayLike<unknown>) => {
    const [command, a, b] = args as unknown as unknown[]; // an Arguments object is iterable
    if (command === 'config' && typeof a === 'string') measurementId = a;
    else if (command === 'event' && typeof a === 'string') track(a, props(b), { shim: 'gtag', measurementId });
    else if (command === 'consent' && a === 'update' && isObject(b)) {
      // A category gtag does not mention stays as it is (consent.set ignores non-booleans).
      const granted = (key: string) => (b[key] === undefined ? undefined : b[key] === 'granted');
      palisade.consent.set({ analytics: granted('analytics_storage'), advertising: granted('ad_storage') });
    }
  };

  const fromDataLayer = (entry: unknown) => {
    if (Object.prototype.toString.call(entry) === '[object Arguments]') {
      fromGtag(entry as ArrayLike<unknown>); // gtag pushes its `arguments` object
    } else if (isObject(entry) && typeof entry.event === 'string' && !GTM_INTERNAL.test(entry.event)) {
      const { event, ...rest } = entry;
      track(event as string, rest, { shim: 'dataLayer' });
    }
  };

  const dataLayer: unknown[] = Array.isArray(w.dataLayer) ? w.dataLayer : [];
  w.dataLayer = dataLayer;
  dataLayer.forEach(fromDataLayer);
  const push = dataLayer.push.bind(dataLayer);
  dataLayer.push = (...entries: unknown[]) => {
    entries.forEach(fromDataLayer);
    return push(...entries);
  };

  // Meta's snippet returns early when fbq exists: it never loads fbevents.js.
  let pixelId: string | undefined;
  const fbq = (command: unknown, a?: unknown, b?: unknown) => {
    if (command === 'init' && typeof a === 'string') pixelId = a;
    else if ((command === 'track' || command === 'trackCustom') && typeof a === 'string') {
      track(a, props(b), { shim: 'fbq', pixelId });
    }
  };
  // What other code reads of a loaded pixel; the snippet's own queue and callMethod are not needed.
  w.fbq = w._fbq = Object.assign(fbq, { push: fbq, loaded: true, version: '2.0' });

  // TikTok's snippet turns our array's methods into pushes: the pushes are the calls.
  const ttq: unknown[] & AnyWindow = [];
  ttq.push = (...calls: unknown[]) => {
    for (const call of calls) {
      if (!Array.isArray(call)) continue;
      const [method, a, b] = call;
      if (method === 'track' && typeof a === 'string') track(a, props(b), { shim: 'ttq' });
    }
    return ttq.length;
  };
  // Pageviews come from autotrack; identities never go to a vendor from the browser.
  ttq.load = ttq.page = ttq.identify = () => undefined;
  ttq.track = (event: string, properties?: unknown) => ttq.push(['track', event, properties]);
  w.ttq = ttq;

  // LinkedIn's snippet defines lintrk only when it is missing.
  w.lintrk = (command: unknown, data?: unknown) => {
    if (command === 'track' && isObject(data)) {
      track('LinkedIn Conversion', {}, { shim: 'lintrk', conversionId: data.conversion_id === undefined ? undefined : String(data.conversion_id) });
    }
  };

  const uetq: unknown[] = Array.isArray(w.uetq) ? w.uetq : [];
  uetq.push = (...args: unknown[]) => {
    if (args[0] === 'event' && typeof args[1] === 'string') track(args[1], props(args[2]), { shim: 'uetq' });
    return uetq.length;
  };
  w.uetq = uetq;
}
