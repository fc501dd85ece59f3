/**
 * GA4 Measurement Protocol. GA4 answers 2xx even for malformed data and has no dedup, so only
 * network errors, 408, 429 and 5xx are retried (vendors.md §1). The api_secret travels in the
 * query string: the request URL is never logged or stored.
 */
import { classifyHttp, type HttpConnector, type OutboundRequest } from '../connector.js';
import { formatGa4 } from './map.js';
import { SPECIAL_EVENTS } from './names.js';
import { GA4_LIMITS, type Ga4Payload } from './payload.js';
import { ga4Settings, type Ga4Settings } from './settings.js';

export type { Ga4Settings } from './settings.js';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function mergeGa4Payloads(payloads: Ga4Payload[], now: Date): Ga4Payload {
  const first = payloads[0]!;
  const merged: Ga4Payload = { client_id: first.client_id, events: [] };
  if (first.user_id !== undefined) merged.user_id = first.user_id;
  // Payloads of one batch share their consent (it is part of the batch key).
  if (first.consent !== undefined) merged.consent = first.consent;
  const oldest = now.getTime() - GA4_LIMITS.maxBackdateMs;
  for (const p of payloads) {
    for (const e of p.events) {
      // An event older than GA4 accepts would fail the request; send it as "now" instead.
      const stale = e.timestamp_micros !== undefined && e.timestamp_micros / 1000 < oldest;
      merged.events.push(stale ? { name: e.name, params: e.params } : e);
    }
    if (p.user_properties) merged.user_properties = { ...merged.user_properties, ...p.user_properties };
  }
  return merged;
}

export const ga4Connector: HttpConnector<Ga4Settings, Ga4Payload> = {
  kind: 'http',
  type: 'ga4',
  label: 'Google Analytics 4 (Measurement Protocol)',
  settings: ga4Settings,
  // Every allowed property is an event parameter under its own (GA4-legal) name unless mapped.
  defaultMapping: { events: { ...SPECIAL_EVENTS }, properties: {}, constants: {}, defaults: {}, unmapped: 'keep' },
  limits: { maxEvents: GA4_LIMITS.eventsPerRequest, maxBytes: GA4_LIMITS.requestBytes },
  format: (event) => formatGa4(event),
  readsLegacyPayload: (p) => isObject(p) && typeof p.client_id === 'string' && Array.isArray(p.events),
  buildRequest(payloads, settings, { now }): OutboundRequest {
    const url = new URL(`${settings.endpoint.replace(/\/+$/, '')}/mp/collect`);
    url.searchParams.set('measurement_id', settings.measurementId);
    url.searchParams.set('api_secret', settings.apiSecret);
    return {
      url: url.toString(),
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(mergeGa4Payloads(payloads, now)),
    };
  },
  // GA4 answers 2xx for malformed events too: there is nothing per event to read.
  classify: (response) => classifyHttp(response),
};
