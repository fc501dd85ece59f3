/**
 * LinkedIn Conversions API (`/rest/conversionEvents`, BATCH_CREATE; vendors.md §3 and §8).
 *
 * Each event the destination's mapping names becomes a conversion of the conversion rule it maps
 * to (`mapping.events: { Appointment Booked: "104567" }`). LinkedIn requires a person
 * identifier on every conversion, and the ones it takes (SHA256_EMAIL, the `li_fat_id` click id)
 * are classes the pipeline releases only for an event with a patient authorization, to a
 * destination that opted in: without one the event is dropped with the reason. `eventId` is the
 * destination's opaque id of the message id, for deduplication with the Insight Tag.
 * LinkedIn answers a batch with one status per element: only refused elements are retried or
 * dead-lettered.
 */
import type { BatchOutcome, HttpConnector, Outcome, OutboundRequest, VendorResponse } from '../connector.js';
import { classifyHttp, vendorMessage } from '../connector.js';
import { conversionValue, eventMs, tooOld } from '../ad-fields.js';
import { linkedinConsent } from '../consent-fields.js';
import { linkedinSettings, type LinkedinSettings } from './settings.js';

type UserId = { idType: 'SHA256_EMAIL' | 'LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID'; idValue: string };

export interface LinkedinConversion {
  conversion: string;
  conversionHappenedAt: number;
  eventId: string;
  conversionValue?: { currencyCode: string; amount: string };
  user: { userIds: UserId[] };
}

export function classifyLinkedin(response: VendorResponse, batchSize: number): BatchOutcome {
  if (response.status < 200 || response.status >= 300) {
    const outcome = classifyHttp(response);
    return outcome.kind === 'ok' ? outcome : { ...outcome, reason: `LinkedIn HTTP ${response.status}` };
  }
  let elements: unknown;
  try {
    elements = (JSON.parse(response.body) as { elements?: unknown }).elements;
  } catch {
    return { kind: 'ok' };
  }
  if (!Array.isArray(elements)) return { kind: 'ok' };
  const outcomes: Outcome[] = Array.from({ length: batchSize }, (_, i) => {
    const element = elements[i] as { status?: unknown; error?: { message?: unknown } } | undefined;
    const status = typeof element?.status === 'number' ? element.status : 201;
    if (status >= 200 && status < 300) return { kind: 'ok' };
    const text = vendorMessage(element?.error?.message);
    const message = text === '' ? '' : `: ${text}`;
    const reason = `LinkedIn element status ${status}${message}`;
    return status === 429 || status >= 500 ? { kind: 'retry', reason } : { kind: 'abort', reason };
  });
  return outcomes.every((o) => o.kind === 'ok') ? { kind: 'ok' } : { kind: 'per-event', outcomes };
}

export const linkedinConnector: HttpConnector<LinkedinSettings, LinkedinConversion> = {
  kind: 'http',
  type: 'linkedin',
  label: 'LinkedIn Conversions API',
  settings: linkedinSettings,
  // Nothing is a conversion until the destination's mapping names its conversion rule.
  // Only `value` and `currency` are read from the parameters.
  defaultMapping: { events: {}, properties: {}, constants: {}, defaults: {}, unmapped: 'keep' },
  limits: { maxEvents: 5000, maxBytes: 4_000_000 },
  identifiers: { clickIds: ['li_fat_id'], email: 'lowercase' },
  format(mapped, _settings, { now }) {
    const { event } = mapped;
    const rule = /^\d{1,20}$/.test(mapped.name) ? mapped.name : undefined;
    if (rule === undefined) return { dropped: 'no conversion rule mapped for this event (mapping.events: name -> conversion rule id)' };
    const old = tooOld(event, now, 90, 'LinkedIn');
    if (old !== undefined) return { dropped: old };
    const userIds: UserId[] = [];
    const ids = event.identifiers;
    if (ids?.emailSha256 !== undefined) userIds.push({ idType: 'SHA256_EMAIL', idValue: ids.emailSha256 });
    if (ids?.clickIds?.li_fat_id !== undefined) userIds.push({ idType: 'LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID', idValue: ids.clickIds.li_fat_id });
    if (userIds.length === 0) return { dropped: 'no permitted identifier (LinkedIn requires a hashed email or li_fat_id, sent only with a patient authorization)' };
    const payload: LinkedinConversion = {
      conversion: `urn:lla:llaPartnerConversion:${rule}`,
      conversionHappenedAt: eventMs(event),
      eventId: event.eventId.slice(0, 64),
      user: { userIds },
    };
    const value = conversionValue(mapped.params);
    if (value.value !== undefined && value.currency !== undefined) payload.conversionValue = { currencyCode: value.currency, amount: String(value.value) };
    return { payload, batchKey: 'linkedin', decision: linkedinConsent(event.context.consent).decision };
  },
  buildRequest(payloads, settings): OutboundRequest {
    return {
      url: `${settings.endpoint.replace(/\/+$/, '')}/rest/conversionEvents`,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${settings.accessToken}`,
        'linkedin-version': settings.apiVersion,
        'x-restli-protocol-version': '2.0.0',
        'x-restli-method': 'BATCH_CREATE',
      },
      body: JSON.stringify({ elements: payloads }),
    };
  },
  classify: (response, payloads) => classifyLinkedin(response, payloads.length),
};
