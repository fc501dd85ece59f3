/**
 * createPalisade: the API behind both the script tag and the npm package. Every call becomes one
 * message with the page context, identity, session and consent of the moment it was made.
 */
import { autotrack } from './autotrack/autotrack.js';
import { clickIds } from './click-ids.js';
import { consent as createConsent } from './consent.js';
import { delivery as createDelivery } from './delivery.js';
import { identity as createIdentity } from './identity.js';
import { pageContext } from './page-context.js';
import { durableStore, type QueueStore } from './queue-store.js';
import { installShims } from './shims/shims.js';
import type { PageContext, Palisade, PalisadeOptions, Properties, WireMessage } from './types.js';
import { uuid } from './uuid.js';

export const VERSION = '0.1.0';

/** A call recorded before the SDK loaded, replayed with the context of its own moment. */
export interface BufferedCall {
  method: string;
  args: unknown[];
  page?: PageContext | undefined;
  timestamp?: string | undefined;
}

export interface PalisadeInstance extends Palisade {
  /** Replays calls made before the SDK loaded, in order. */
  replay(calls: BufferedCall[]): void;
}

type Body =
  | { type: 'track'; event: string; properties: Properties }
  | { type: 'page'; name?: string; properties: Properties }
  | { type: 'identify'; traits: Properties }
  | { type: 'group'; groupId: string; traits: Properties }
  | { type: 'alias'; previousId: string };

export function createPalisade(options: PalisadeOptions, store: QueueStore = durableStore()): PalisadeInstance {
  const identity = createIdentity();
  const consent = createConsent(options.consentDefault);
  const clicks = clickIds();
  const api = (options.api ?? location.origin).replace(/\/+$/, '');
  const delivery = createDelivery({
    url: `${api}/v1/batch`,
    writeKey: options.writeKey,
    store,
    flushAt: options.flushAt ?? 20,
    flushInterval: options.flushInterval ?? 1000,
    debug: options.debug ?? false,
  });
  /** The call being replayed, whose page and time the message takes; {} for calls made now. */
  let moment: { page?: PageContext | undefined; timestamp?: string | undefined } = {};

  function emit(body: Body, extraContext?: Record<string, string | undefined>): void {
    const message = {
      ...body,
      messageId: uuid(),
      anonymousId: identity.anonymousId,
      timestamp: moment.timestamp ?? new Date().toISOString(),
      context: {
        page: moment.page ?? pageContext(),
        library: { name: 'palisade-sdk', version: VERSION },
        userAgent: navigator.userAgent,
        locale: navigator.language,
        // No time zone: Intl's first use costs ~20 ms of ICU loading, and no destination needs it.
        sessionId: identity.session(),
        consent: { categoryPreferences: consent.get(), gpc: consent.gpc },
        clickIds: clicks,
        ...extraContext,
      },
    } as WireMessage;
    if (identity.userId !== undefined) message.userId = identity.userId;
    if (options.debug) console.debug('[palisade]', message.type, message);
    delivery.enqueue(message);
  }

  const palisade: PalisadeInstance = {
    track: (event, properties = {}) => emit({ type: 'track', event: String(event), properties }),
    identify(userId, traits = {}) {
      if (userId !== undefined && userId !== null) identity.setUser(String(userId));
      emit({ type: 'identify', traits });
    },
    group: (groupId, traits = {}) => emit({ type: 'group', groupId: String(groupId), traits }),
    // An undefined name is left out of the JSON.
    page: (name, properties = {}) => emit({ type: 'page', name, properties }),
    alias(userId, previousId) {
      const previous = previousId ?? identity.userId ?? identity.anonymousId;
      identity.setUser(String(userId));
      emit({ type: 'alias', previousId: previous });
    },
    reset: identity.reset,
    consent,
    // createPalisade returns a ready instance: a callback can only come later (the stub's are replayed).
    ready: (callback) => callback(),
    flush: delivery.flush,
    replay(calls) {
      for (const call of calls) {
        const fn = (palisade as unknown as Record<string, unknown>)[call.method];
        if (typeof fn !== 'function' || call.method === 'replay') continue;
        moment = call;
        try {
          (fn as (...a: unknown[]) => void)(...(Array.isArray(call.args) ? call.args : []));
        } finally {
          moment = {};
        }
      }
    },
  };
  if (options.shims !== false) {
    installShims(window as unknown as Record<string, unknown>, palisade, (event, properties, context) => emit({ type: 'track', event, properties }, context));
  }
  if (options.autotrack !== false) autotrack(palisade);
  return palisade;
}
