/**
 * Microsoft Advertising UET Conversions API (`/v1/{tagId}/events`; vendors.md §3 and §8).
 *
 * Page views are `pageLoad` events, everything else `custom` with its name. HIPAA mode sends
 * class A only: `externalId` and `anonymousId` are masked ids, the user agent is reduced, no IP;
 * `msclkid` and hashed email and phone only through the pipeline's identifier rule.
 * `adStorageConsent` comes from the consent compiler. `eventId` is the destination's opaque id
 * of the message id, for deduplication with the UET tag. Events older than 7 days are dropped
 * before sending; `continueOnValidationError` keeps one bad event from failing the rest, and the
 * events Microsoft names as refused are dead-lettered alone.
 */
import type { BatchOutcome, HttpConnector, Outcome, OutboundRequest, VendorResponse } from '../connector.js';
import { classifyHttp, vendorMessage } from '../connector.js';
import { absolutePageUrl, conversionValue, flatParams, reducedAgent, vendorEventName, webEventBasics } from '../ad-fields.js';
import { microsoftConsent } from '../consent-fields.js';
import { microsoftAdsSettings, type MicrosoftAdsSettings } from './settings.js';

export interface UetEvent {
  eventType: 'pageLoad' | 'custom';
  eventId: string;
  eventName?: string;
  eventTime: number;
  eventSourceUrl?: string;
  adStorageConsent: 'G' | 'D';
  userData: { externalId: string; anonymousId?: string; clientUserAgent?: string; msclkid?: string; em?: string; ph?: string };
  customData?: Record<string, unknown>;
}

export function classifyMicrosoft(response: VendorResponse, batchSize: number): BatchOutcome {
  let body: { error?: { code?: unknown; message?: unknown; details?: unknown } } = {};
  try {
    body = JSON.parse(response.body) as typeof body;
  } catch {
    // No JSON: the status alone decides.
  }
  const details = Array.isArray(body.error?.details) ? (body.error.details as Array<{ index?: unknown; errorCode?: unknown; isWarning?: unknown }>) : [];
  const refused = new Map<number, string>();
  for (const d of details) {
    if (d.isWarning === true || typeof d.index !== 'number' || d.index < 0 || d.index >= batchSize) continue;
    refused.set(d.index, `Microsoft refused the event: ${vendorMessage(d.errorCode, 80) || 'validation error'}`);
  }
  if (response.status >= 200 && response.status < 300) {
    if (refused.size === 0) return { kind: 'ok' };
    const outcomes: Outcome[] = Array.from({ length: batchSize }, (_, i) => (refused.has(i) ? { kind: 'abort', reason: refused.get(i)! } : { kind: 'ok' }));
    return { kind: 'per-event', outcomes };
  }
  const outcome = classifyHttp(response);
  const code = typeof body.error?.code === 'string' && /^\w{1,60}$/.test(body.error.code) ? ` ${body.error.code}` : '';
  const reason = `Microsoft HTTP ${response.status}${code}`;
  if (outcome.kind === 'abort' && response.status === 400 && batchSize > 1) return { kind: 'split', reason };
  return outcome.kind === 'ok' ? outcome : { ...outcome, reason };
}

export const microsoftAdsConnector: HttpConnector<MicrosoftAdsSettings, UetEvent> = {
  kind: 'http',
  type: 'microsoft-ads',
  label: 'Microsoft Advertising (UET Conversions API)',
  settings: microsoftAdsSettings,
  defaultMapping: { events: { $click: false, $submit: false, $change: false }, properties: {}, constants: {}, defaults: {}, unmapped: 'keep' },
  limits: { maxEvents: 1000, maxBytes: 2_000_000 },
  identifiers: { clickIds: ['msclkid'], email: 'microsoft', phone: 'e164' },
  format(mapped, _settings, { now }) {
    const { event } = mapped;
    const basics = webEventBasics(mapped, now, 'Microsoft Advertising', 7);
    if ('dropped' in basics) return basics;
    const { id } = basics;
    const url = absolutePageUrl(event);
    const pageLoad = event.event === '$pageview';
    if (pageLoad && url === undefined) return { dropped: 'no page URL on an allowed origin (a pageLoad event requires eventSourceUrl)' };
    const name = pageLoad ? undefined : vendorEventName(mapped.name, 100);
    if (!pageLoad && name === undefined) return { dropped: 'event name is not usable at Microsoft Advertising' };
    const consent = microsoftConsent(event.context.consent);
    const userData: UetEvent['userData'] = { externalId: id };
    if (event.anonymousId !== undefined) userData.anonymousId = event.anonymousId;
    const agent = reducedAgent(event);
    if (agent !== undefined) userData.clientUserAgent = agent;
    const ids = event.identifiers;
    if (ids?.clickIds?.msclkid !== undefined) userData.msclkid = ids.clickIds.msclkid;
    if (ids?.emailSha256 !== undefined) userData.em = ids.emailSha256;
    if (ids?.phoneSha256 !== undefined) userData.ph = ids.phoneSha256;
    const payload: UetEvent = {
      eventType: pageLoad ? 'pageLoad' : 'custom',
      eventId: event.eventId,
      ...(name !== undefined ? { eventName: name } : {}),
      eventTime: Math.floor(Date.parse(event.timestamp) / 1000),
      ...(url !== undefined ? { eventSourceUrl: url } : {}),
      adStorageConsent: consent.fields.adStorageConsent,
      userData,
    };
    const custom = { ...flatParams(mapped), ...conversionValue(mapped.params) };
    if (Object.keys(custom).length > 0) payload.customData = custom;
    return { payload, batchKey: 'microsoft-ads', decision: consent.decision };
  },
  buildRequest(payloads, settings): OutboundRequest {
    return {
      url: `${settings.endpoint.replace(/\/+$/, '')}/v1/${settings.tagId}/events`,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${settings.accessToken}` },
      body: JSON.stringify({ data: payloads, continueOnValidationError: true, dataProvider: 'palisade' }),
    };
  },
  classify: (response, payloads) => classifyMicrosoft(response, payloads.length),
};
