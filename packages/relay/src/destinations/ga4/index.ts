/**
 * GA4 Measurement Protocol. GA4 answers 2xx even for malformed data and has no dedup, so only
 * network errors, 408, 429 and 5xx are retried (vendors.md §1). The api_secret travels in the
 * query string: the request URL is never logged or stored.
 */
import type { z } from 'zod';
import type { ga4SettingsSchema } from '@palisade/schema';
import { classifyHttp, type Connector, type OutboundRequest } from '../connector.js';
import { mapToGa4 } from './map.js';
import { GA4_LIMITS, type Ga4Payload } from './payload.js';

export type Ga4Settings = z.output<typeof ga4SettingsSchema>;

export function mergeGa4Payloads(payloads: Ga4Payload[], now: Date): Ga4Payload {
  const first = payloads[0]!;
  const merged: Ga4Payload = { client_id: first.client_id, events: [] };
  if (first.user_id !== undefined) merged.user_id = first.user_id;
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

export const ga4Connector: Connector<Ga4Settings, Ga4Payload> = {
  type: 'ga4',
  limits: { maxEvents: GA4_LIMITS.eventsPerRequest, maxBytes: GA4_LIMITS.requestBytes },
  map: (event) => mapToGa4(event),
  buildRequest(payloads, settings, now): OutboundRequest {
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
  classify: classifyHttp,
};
