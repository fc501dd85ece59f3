/**
 * Mapped event -> one-event GA4 payload. Identifiers are already masked; here they only take
 * their GA4 places: client_id from the masked anonymousId, user_id from the masked userId.
 * Parameter names come from the mapping engine (a property's own path unless the mapping renames
 * it) and are then made GA4-legal (`appointment.type` -> `appointment_type`).
 */
import type { CleanValue } from '../../pipeline/allowlist.js';
import type { CleanEvent } from '../../pipeline/clean-event.js';
import type { FormatResult } from '../connector.js';
import type { MappedEvent } from '../mapping.js';
import { ga4Consent } from '../consent-fields.js';
import { ga4EventName, ga4Name } from './names.js';
import { GA4_LIMITS, PARAM_VALUE_LIMITS, type Ga4ParamValue, type Ga4Payload } from './payload.js';

/** GA4 counts an event as engaged only with a positive engagement time. */
const DEFAULT_ENGAGEMENT_MS = 100;
const SESSION_MS = 30 * 60 * 1000;

function paramValue(value: CleanValue, maxLength: number): Ga4ParamValue | undefined {
  if (value === null) return undefined;
  if (typeof value === 'number') return value;
  const text = Array.isArray(value) ? value.filter((v) => v !== null).join(',') : String(value);
  return text.slice(0, maxLength);
}

function addParams(target: Record<string, Ga4ParamValue>, params: Record<string, CleanValue>, limit: number, nameLength: number, valueLength: number): void {
  for (const [path, value] of Object.entries(params)) {
    if (Object.keys(target).length >= limit) return;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) continue;
    const name = ga4Name(path, nameLength);
    if (name === undefined || name in target) continue;
    const v = paramValue(value, PARAM_VALUE_LIMITS[name] ?? valueLength);
    if (v !== undefined) target[name] = v;
  }
}

/** Without a session id from the SDK, a 30-minute bucket keeps GA4 sessions roughly right. */
function sessionId(event: CleanEvent): number {
  if (event.context.sessionId !== undefined) return event.context.sessionId;
  const ms = Date.parse(event.timestamp);
  return Math.floor(ms / SESSION_MS) * (SESSION_MS / 1000);
}

export function formatGa4(mapped: MappedEvent): FormatResult<Ga4Payload> {
  const { event } = mapped;
  if (event.type === 'alias') return { dropped: 'GA4 has no alias call' };
  const name = ga4EventName(mapped.name);
  if (name === undefined) return { dropped: 'event name is not usable in GA4 (empty or reserved)' };
  const clientId = event.anonymousId ?? event.userId;
  if (clientId === undefined) return { dropped: 'no identifier for client_id' };

  const params: Record<string, Ga4ParamValue> = {
    session_id: sessionId(event),
    engagement_time_msec: DEFAULT_ENGAGEMENT_MS,
  };
  const page = event.context.page;
  if (page?.url) params.page_location = page.url.slice(0, PARAM_VALUE_LIMITS.page_location);
  if (page?.referrer) params.page_referrer = page.referrer.slice(0, PARAM_VALUE_LIMITS.page_referrer);
  if (page?.title) params.page_title = page.title.slice(0, PARAM_VALUE_LIMITS.page_title);
  if (event.type === 'screen' && event.name) params.screen_name = event.name.slice(0, GA4_LIMITS.paramValueLength);
  if (event.type === 'group' && event.groupId) params.group_id = event.groupId.slice(0, GA4_LIMITS.paramValueLength);
  const campaign = event.context.campaign;
  if (campaign?.source) params.source = campaign.source;
  if (campaign?.medium) params.medium = campaign.medium;
  if (campaign?.name) params.campaign = campaign.name;
  // identify: the mapped traits are user properties, not event parameters.
  if (event.type !== 'identify') addParams(params, mapped.params, GA4_LIMITS.paramsPerEvent, 40, GA4_LIMITS.paramValueLength);

  const payload: Ga4Payload = {
    client_id: clientId,
    events: [{ name, params, timestamp_micros: Date.parse(event.timestamp) * 1000 }],
  };
  if (event.userId !== undefined) payload.user_id = event.userId;
  const consent = ga4Consent(event.context.consent);
  payload.consent = consent.fields;
  if (event.type === 'identify') {
    const properties: Record<string, Ga4ParamValue> = {};
    addParams(properties, mapped.params, GA4_LIMITS.userProperties, 24, GA4_LIMITS.userPropertyValueLength);
    if (Object.keys(properties).length > 0) {
      payload.user_properties = Object.fromEntries(Object.entries(properties).map(([k, value]) => [k, { value }]));
    }
  }
  // One MP request carries one client_id, user_id and consent: events batch only with their own.
  const batchKey = `${payload.client_id}|${payload.user_id ?? ''}|${consent.fields.ad_user_data}`;
  return { payload, batchKey, decision: consent.decision };
}
