/**
 * Generic webhook: JSON batches of clean events, signed with the destination's secret.
 * Receivers dedup on `eventId`. The event name and properties are the mapped ones (by default the
 * clean event's own); everything else is the clean event as the pipeline left it.
 */
import type { CleanEvent } from '../../pipeline/clean-event.js';
import { classifyHttp, type HttpConnector } from '../connector.js';
import { nest } from '../mapping.js';
import { webhookSettings, type WebhookSettings } from './settings.js';
import { SIGNATURE_HEADER, signBody } from './sign.js';

export type { WebhookSettings } from './settings.js';

export const webhookConnector: HttpConnector<WebhookSettings, CleanEvent> = {
  kind: 'http',
  type: 'webhook',
  label: 'Webhook (signed JSON)',
  settings: webhookSettings,
  defaultMapping: { events: {}, properties: {}, constants: {}, defaults: {}, unmapped: 'keep' },
  limits: { maxEvents: 100, maxBytes: 512 * 1024 },
  format(mapped) {
    const { event } = mapped;
    const traitsMapped = event.type === 'identify' || event.type === 'group';
    const mappedObject = nest(mapped.params);
    return {
      payload: {
        ...event,
        event: mapped.name,
        properties: traitsMapped ? event.properties : mappedObject,
        traits: traitsMapped ? mappedObject : event.traits,
      },
      batchKey: '',
    };
  },
  // Before v2 the webhook stored the clean event itself.
  readsLegacyPayload: (p) => p !== null && typeof p === 'object' && typeof (p as CleanEvent).eventId === 'string' && typeof (p as CleanEvent).type === 'string' && !('v' in p),
  buildRequest(payloads, settings, { now }) {
    const body = JSON.stringify({ batch: payloads, sentAt: now.toISOString() });
    return {
      url: settings.url,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signBody(settings.secret, body, Math.floor(now.getTime() / 1000)),
      },
      body,
    };
  },
  classify: (response) => classifyHttp(response),
};
