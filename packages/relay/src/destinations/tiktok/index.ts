/**
 * TikTok Events API 2.0 (`/open_api/v1.3/event/track/`, vendors.md §3 and §8).
 *
 * HIPAA mode sends class A only: `external_id` is the SHA-256 TikTok requires, taken of the
 * masked id (so it stays opaque), with a reduced user agent and the reduced page URL; `ttclid`
 * and hashed email and phone only through the pipeline's identifier rule. `event_id` is the
 * destination's opaque id of the message id (TikTok deduplicates on pixel, event and event_id).
 * TikTok answers HTTP 200 for most failures with a `code` in the body: that code decides.
 */
import type { BatchOutcome, HttpConnector, OutboundRequest, VendorResponse } from '../connector.js';
import { classifyHttp, vendorMessage } from '../connector.js';
import { absolutePageUrl, conversionValue, flatParams, reducedAgent, vendorEventName, webEventBasics } from '../ad-fields.js';
import { tiktokConsent } from '../consent-fields.js';
import { sha256Hex } from '../../pipeline/contact-hash.js';
import { tiktokSettings, type TiktokSettings } from './settings.js';

export interface TiktokEvent {
  event: string;
  event_time: number;
  event_id: string;
  user: { external_id: string; user_agent?: string; ttclid?: string; email?: string; phone?: string };
  page?: { url: string; referrer?: string };
  properties?: Record<string, unknown>;
  limited_data_use: boolean;
}

/** TikTok's body codes (rudder-transformer tiktok_ads/networkHandler.js; TikTok's API docs). */
const THROTTLED = new Set([40100]);
const TRANSIENT = new Set([40700, 50000, 50002]);
const AUTH = new Set([40001, 40104, 40105]);
/** Parameter errors: one event can fail the whole request. */
const INVALID = new Set([40002]);

export function classifyTiktok(response: VendorResponse, batchSize: number): BatchOutcome {
  if (response.status !== 200) {
    const outcome = classifyHttp(response);
    return outcome.kind === 'ok' ? outcome : { ...outcome, reason: `TikTok HTTP ${response.status}` };
  }
  let code: unknown;
  let message = '';
  try {
    const body = JSON.parse(response.body) as { code?: unknown; message?: unknown };
    code = body.code;
    message = vendorMessage(body.message);
  } catch {
    return { kind: 'retry', reason: 'TikTok answered 200 without a JSON body' };
  }
  if (code === 0 || code === 20001) return { kind: 'ok' };
  const reason = `TikTok code ${String(code)}${message ? `: ${message}` : ''}`;
  if (typeof code !== 'number') return { kind: 'retry', reason };
  if (THROTTLED.has(code) || TRANSIENT.has(code)) return { kind: 'retry', reason };
  if (AUTH.has(code)) return { kind: 'abort', reason };
  if (INVALID.has(code) && batchSize > 1) return { kind: 'split', reason };
  return { kind: 'abort', reason };
}

export const tiktokConnector: HttpConnector<TiktokSettings, TiktokEvent> = {
  kind: 'http',
  type: 'tiktok',
  label: 'TikTok Events API',
  settings: tiktokSettings,
  defaultMapping: { events: { $pageview: 'Pageview', $click: false, $submit: false, $change: false }, properties: {}, constants: {}, defaults: {}, unmapped: 'keep' },
  limits: { maxEvents: 1000, maxBytes: 2_000_000 },
  identifiers: { clickIds: ['ttclid'], email: 'lowercase', phone: 'e164' },
  format(mapped, _settings, { now }) {
    const { event } = mapped;
    const basics = webEventBasics(mapped, now, 'TikTok', 7);
    if ('dropped' in basics) return basics;
    const { id } = basics;
    const name = vendorEventName(mapped.name);
    if (name === undefined) return { dropped: 'event name is not usable at TikTok' };
    const consent = tiktokConsent(event.context.consent);
    const user: TiktokEvent['user'] = { external_id: sha256Hex(id) };
    const agent = reducedAgent(event);
    if (agent !== undefined) user.user_agent = agent;
    const ids = event.identifiers;
    if (ids?.clickIds?.ttclid !== undefined) user.ttclid = ids.clickIds.ttclid;
    if (ids?.emailSha256 !== undefined) user.email = ids.emailSha256;
    if (ids?.phoneSha256 !== undefined) user.phone = ids.phoneSha256;
    const payload: TiktokEvent = {
      event: name,
      event_time: Math.floor(Date.parse(event.timestamp) / 1000),
      event_id: event.eventId,
      user,
      limited_data_use: consent.fields.limited_data_use,
    };
    const url = absolutePageUrl(event);
    if (url !== undefined) payload.page = event.context.page?.referrer ? { url, referrer: event.context.page.referrer } : { url };
    const properties = { ...flatParams(mapped), ...conversionValue(mapped.params) };
    if (Object.keys(properties).length > 0) payload.properties = properties;
    return { payload, batchKey: 'tiktok', decision: consent.decision };
  },
  buildRequest(payloads, settings): OutboundRequest {
    const body: Record<string, unknown> = { event_source: 'web', event_source_id: settings.pixelCode, data: payloads };
    if (settings.testEventCode !== undefined) body.test_event_code = settings.testEventCode;
    return {
      url: `${settings.endpoint.replace(/\/+$/, '')}/open_api/v1.3/event/track/`,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'access-token': settings.accessToken },
      body: JSON.stringify(body),
    };
  },
  classify: (response, payloads) => classifyTiktok(response, payloads.length),
};
