/**
 * Meta Conversions API (vendors.md §2; developers.facebook.com/docs/marketing-api/conversions-api).
 *
 * HIPAA mode sends class A only: `external_id` is the masked id, `client_user_agent` is reduced,
 * `event_source_url` is the pipeline's reduced URL, and no IP, `fbp`, `fbc` or contact hash.
 * `fbc` and the hashed `em`/`ph` come only through the pipeline's identifier rule (an event with
 * a patient authorization, to a destination that opted in). `event_id` is the destination's
 * opaque id of the message id: the same on every retry, so Meta counts an event once.
 *
 * Meta rejects a whole request when one event is invalid, and fails it when any event is older
 * than 7 days: such events are dropped before sending, and a batch refused for an invalid
 * parameter is split until the event Meta refuses is alone.
 */
import { type BatchOutcome, type HttpConnector, type OutboundRequest, type VendorResponse, vendorMessage } from '../connector.js';
import { absolutePageUrl, conversionValue, flatParams, reducedAgent, vendorEventName, webEventBasics } from '../ad-fields.js';
import { type MetaConsentFields, metaConsent } from '../consent-fields.js';
import { metaSettings, type MetaSettings } from './settings.js';

export interface MetaEvent extends MetaConsentFields {
  event_name: string;
  event_time: number;
  event_id: string;
  action_source: 'website';
  event_source_url: string;
  user_data: { external_id: string[]; client_user_agent?: string; fbc?: string; em?: string[]; ph?: string[] };
  custom_data?: Record<string, unknown>;
}

/** Throttling: the app, user or ad account is over its limit (Graph API error codes). */
const THROTTLED = new Set([4, 17, 32, 613, 80003, 80004]);
/** Temporary on Meta's side. */
const TRANSIENT = new Set([1, 2, 341, 368]);
/** The token or its permissions: no retry helps until someone fixes the config. */
const AUTH = new Set([10, 102, 190, 200, 210, 270]);

function graphError(body: string): { code?: number; subcode?: number; message?: string } {
  try {
    const error = (JSON.parse(body) as { error?: { code?: unknown; error_subcode?: unknown; message?: unknown } }).error;
    if (error === undefined || error === null) return {};
    return {
      ...(typeof error.code === 'number' ? { code: error.code } : {}),
      ...(typeof error.error_subcode === 'number' ? { subcode: error.error_subcode } : {}),
      ...(typeof error.message === 'string' ? { message: vendorMessage(error.message) } : {}),
    };
  } catch {
    return {};
  }
}

export function classifyMeta(response: VendorResponse, batchSize: number): BatchOutcome {
  const { status } = response;
  if (status >= 200 && status < 300) return { kind: 'ok' };
  const { code, subcode, message } = graphError(response.body);
  const reason = `Meta error ${code ?? status}${subcode === undefined ? '' : `/${subcode}`}${message ? `: ${message}` : ''}`;
  if (code !== undefined && THROTTLED.has(code)) return { kind: 'retry', reason };
  if (code !== undefined && TRANSIENT.has(code)) return { kind: 'retry', reason };
  if (code !== undefined && AUTH.has(code)) return { kind: 'abort', reason };
  if (status === 429 || status === 408 || status >= 500) return { kind: 'retry', reason };
  // Invalid parameter: one event rejects the whole batch; find it.
  if (code === 100 && batchSize > 1) return { kind: 'split', reason };
  return { kind: 'abort', reason };
}

export const metaConnector: HttpConnector<MetaSettings, MetaEvent> = {
  kind: 'http',
  type: 'meta',
  label: 'Meta Conversions API',
  settings: metaSettings,
  // Custom events keep their names; only Palisade's own names have Meta equivalents.
  defaultMapping: { events: { $pageview: 'PageView', $click: false, $submit: false, $change: false }, properties: {}, constants: {}, defaults: {}, unmapped: 'keep' },
  limits: { maxEvents: 1000, maxBytes: 2_000_000 },
  identifiers: { clickIds: ['fbc'], email: 'lowercase', phone: 'digits' },
  format(mapped, _settings, { now }) {
    const { event } = mapped;
    const basics = webEventBasics(mapped, now, 'Meta', 7);
    if ('dropped' in basics) return basics;
    const { id } = basics;
    const name = vendorEventName(mapped.name);
    if (name === undefined) return { dropped: 'event name is not usable at Meta' };
    const url = absolutePageUrl(event);
    if (url === undefined) return { dropped: 'no page URL on an allowed origin (Meta requires event_source_url for website events)' };
    const consent = metaConsent(event.context.consent);
    const userData: MetaEvent['user_data'] = { external_id: [id] };
    const agent = reducedAgent(event);
    if (agent !== undefined) userData.client_user_agent = agent;
    const ids = event.identifiers;
    if (ids?.clickIds?.fbc !== undefined) userData.fbc = ids.clickIds.fbc;
    if (ids?.emailSha256 !== undefined) userData.em = [ids.emailSha256];
    if (ids?.phoneSha256 !== undefined) userData.ph = [ids.phoneSha256];
    const payload: MetaEvent = {
      event_name: name,
      event_time: Math.floor(Date.parse(event.timestamp) / 1000),
      event_id: event.eventId,
      action_source: 'website',
      event_source_url: url,
      user_data: userData,
      ...consent.fields,
    };
    const custom = { ...flatParams(mapped), ...conversionValue(mapped.params) };
    if (Object.keys(custom).length > 0) payload.custom_data = custom;
    return { payload, batchKey: 'meta', decision: consent.decision };
  },
  buildRequest(payloads, settings): OutboundRequest {
    const url = `${settings.endpoint.replace(/\/+$/, '')}/${settings.apiVersion}/${settings.pixelId}/events`;
    // The token travels in the body, not the URL, so no proxy or access log ever records it.
    const body: Record<string, unknown> = { data: payloads, access_token: settings.accessToken };
    if (settings.testEventCode !== undefined) body.test_event_code = settings.testEventCode;
    return { url, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  },
  classify: (response, payloads) => classifyMeta(response, payloads.length),
};
