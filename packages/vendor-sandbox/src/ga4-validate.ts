/**
 * Validates a Measurement Protocol request as GA4's /debug/mp/collect does: required fields,
 * naming rules, value lengths and entity limits. Returns GA4's `validationMessages` shape.
 */
export interface ValidationMessage {
  fieldPath: string;
  description: string;
  validationCode: 'VALUE_INVALID' | 'VALUE_REQUIRED' | 'NAME_INVALID' | 'NAME_RESERVED' | 'VALUE_OUT_OF_BOUNDS' | 'EXCEEDED_MAX_ENTITIES';
}

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const RESERVED_PREFIXES = ['_', 'firebase_', 'ga_', 'google_', 'gtag.'];
const RESERVED_EVENTS = new Set([
  'ad_activeview',
  'ad_click',
  'ad_exposure',
  'ad_impression',
  'ad_query',
  'ad_reward',
  'adunit_exposure',
  'app_background',
  'app_clear_data',
  'app_exception',
  'app_remove',
  'app_store_refund',
  'app_store_subscription_cancel',
  'app_store_subscription_convert',
  'app_store_subscription_renew',
  'app_update',
  'app_upgrade',
  'dynamic_link_app_open',
  'dynamic_link_app_update',
  'dynamic_link_first_open',
  'error',
  'first_open',
  'first_visit',
  'in_app_purchase',
  'notification_dismiss',
  'notification_foreground',
  'notification_open',
  'notification_receive',
  'os_update',
  'session_start',
  'session_start_with_rollout',
  'user_engagement',
]);
const LONG_PARAMS: Record<string, number> = { page_location: 1000, page_referrer: 420, page_title: 300 };
export const GA4_MAX_BODY_BYTES = 130_000;

function checkName(out: ValidationMessage[], path: string, name: string, max: number, what: string): void {
  if (name.length > max) out.push({ fieldPath: path, description: `${what} name "${name}" is longer than ${max} characters`, validationCode: 'VALUE_OUT_OF_BOUNDS' });
  else if (!NAME.test(name))
    out.push({ fieldPath: path, description: `${what} name "${name}" must start with a letter and use only letters, digits and _`, validationCode: 'NAME_INVALID' });
  else if (RESERVED_PREFIXES.some((p) => name.startsWith(p)))
    out.push({ fieldPath: path, description: `${what} name "${name}" uses a reserved prefix`, validationCode: 'NAME_RESERVED' });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function validateGa4(query: Record<string, string | undefined>, body: unknown, nowMs = Date.now()): ValidationMessage[] {
  const out: ValidationMessage[] = [];
  if (!query.measurement_id) out.push({ fieldPath: 'measurement_id', description: 'measurement_id is required', validationCode: 'VALUE_REQUIRED' });
  if (!isObject(body)) return [...out, { fieldPath: '', description: 'the body must be a JSON object', validationCode: 'VALUE_INVALID' }];
  if (typeof body.client_id !== 'string' || body.client_id === '')
    out.push({ fieldPath: 'client_id', description: 'client_id is required for web streams', validationCode: 'VALUE_REQUIRED' });
  if (body.user_id !== undefined && (typeof body.user_id !== 'string' || body.user_id.length > 256))
    out.push({ fieldPath: 'user_id', description: 'user_id must be a string of at most 256 characters', validationCode: 'VALUE_INVALID' });
  for (const field of ['ip_override', 'user_location', 'user_data']) {
    if (body[field] !== undefined) out.push({ fieldPath: field, description: `${field} present (Palisade never sends it in HIPAA mode)`, validationCode: 'VALUE_INVALID' });
  }
  if (body.user_properties !== undefined) {
    if (!isObject(body.user_properties)) out.push({ fieldPath: 'user_properties', description: 'must be an object', validationCode: 'VALUE_INVALID' });
    else {
      const entries = Object.entries(body.user_properties);
      if (entries.length > 25) out.push({ fieldPath: 'user_properties', description: 'at most 25 user properties', validationCode: 'EXCEEDED_MAX_ENTITIES' });
      for (const [name, prop] of entries) {
        checkName(out, `user_properties.${name}`, name, 24, 'user property');
        const value = isObject(prop) ? prop.value : undefined;
        if (typeof value !== 'string' && typeof value !== 'number')
          out.push({ fieldPath: `user_properties.${name}.value`, description: 'a user property needs a string or number value', validationCode: 'VALUE_INVALID' });
        else if (String(value).length > 36)
          out.push({ fieldPath: `user_properties.${name}.value`, description: 'user property values are at most 36 characters', validationCode: 'VALUE_OUT_OF_BOUNDS' });
      }
    }
  }
  const events = body.events;
  if (!Array.isArray(events) || events.length === 0) {
    out.push({ fieldPath: 'events', description: 'at least one event is required', validationCode: 'VALUE_REQUIRED' });
    return out;
  }
  if (events.length > 25) out.push({ fieldPath: 'events', description: 'at most 25 events per request', validationCode: 'EXCEEDED_MAX_ENTITIES' });
  events.forEach((event, i) => {
    const path = `events[${i}]`;
    if (!isObject(event) || typeof event.name !== 'string') {
      out.push({ fieldPath: `${path}.name`, description: 'event name is required', validationCode: 'VALUE_REQUIRED' });
      return;
    }
    checkName(out, `${path}.name`, event.name, 40, 'event');
    if (RESERVED_EVENTS.has(event.name)) out.push({ fieldPath: `${path}.name`, description: `event name "${event.name}" is reserved`, validationCode: 'NAME_RESERVED' });
    if (event.timestamp_micros !== undefined) {
      const ms = Number(event.timestamp_micros) / 1000;
      if (!Number.isFinite(ms) || ms < nowMs - 72 * 3600_000 || ms > nowMs + 15 * 60_000) {
        out.push({ fieldPath: `${path}.timestamp_micros`, description: 'timestamps may be at most 72 hours in the past', validationCode: 'VALUE_OUT_OF_BOUNDS' });
      }
    }
    if (event.params === undefined) return;
    if (!isObject(event.params)) {
      out.push({ fieldPath: `${path}.params`, description: 'params must be an object', validationCode: 'VALUE_INVALID' });
      return;
    }
    const params = Object.entries(event.params);
    if (params.length > 25) out.push({ fieldPath: `${path}.params`, description: 'at most 25 parameters per event', validationCode: 'EXCEEDED_MAX_ENTITIES' });
    for (const [name, value] of params) {
      const p = `${path}.params.${name}`;
      checkName(out, p, name, 40, 'parameter');
      if (name === 'items') continue;
      if (typeof value === 'string') {
        const max = LONG_PARAMS[name] ?? 100;
        if (value.length > max) out.push({ fieldPath: p, description: `parameter values are at most ${max} characters`, validationCode: 'VALUE_OUT_OF_BOUNDS' });
      } else if (typeof value !== 'number' || !Number.isFinite(value)) {
        out.push({ fieldPath: p, description: 'parameter values must be strings or numbers', validationCode: 'VALUE_INVALID' });
      }
    }
    if (typeof event.params.session_id !== 'number' && typeof event.params.session_id !== 'string') {
      out.push({ fieldPath: `${path}.params.session_id`, description: 'without session_id the event is missing from sessions and Realtime', validationCode: 'VALUE_REQUIRED' });
    }
    if (event.params.engagement_time_msec === undefined) {
      out.push({
        fieldPath: `${path}.params.engagement_time_msec`,
        description: 'without engagement_time_msec the event is missing from Realtime',
        validationCode: 'VALUE_REQUIRED',
      });
    }
  });
  return out;
}
