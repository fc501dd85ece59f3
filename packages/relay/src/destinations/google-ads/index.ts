/**
 * Google Ads click conversions (`customers/{id}:uploadClickConversions`, vendors.md §3 and §8).
 *
 * Each event the destination's mapping names becomes a click conversion of the conversion
 * action it maps to (`mapping.events: { Appointment Booked: "123456789" }`). Google matches a
 * conversion only by a click id (gclid, gbraid, wbraid) or hashed contact details, and both are
 * identifier classes the pipeline releases only for an event with a patient authorization, to a
 * destination that opted in: without them an event is dropped with the reason, since Google
 * would reject it. `order_id` is the destination's opaque id of the message id, so a retried
 * upload counts once. `partialFailure` is always on: Google answers 200 and names the rows it
 * refused, and only those are retried or dead-lettered.
 */
import type { BatchOutcome, Credentials, HttpConnector, Outcome, OutboundRequest, VendorResponse } from '../connector.js';
import { classifyHttp, vendorMessage } from '../connector.js';
import { conversionValue, eventMs } from '../ad-fields.js';
import { googleAdsConsent } from '../consent-fields.js';
import { googleAdsSettings, type GoogleAdsSettings } from './settings.js';

export interface ClickConversion {
  gclid?: string;
  gbraid?: string;
  wbraid?: string;
  conversionAction: string;
  conversionDateTime: string;
  orderId: string;
  conversionValue?: number;
  currencyCode?: string;
  userIdentifiers?: Array<{ hashedEmail: string } | { hashedPhoneNumber: string }>;
  consent: { adUserData: 'GRANTED' | 'DENIED' };
}

/** `2026-11-24 09:59:00+00:00`: the format Google requires, with its time zone. */
export function conversionDateTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}+00:00`;
}

/** Errors Google documents as worth retrying. */
const RETRYABLE = /CONCURRENT_MODIFICATION|RESOURCE_TEMPORARILY_EXHAUSTED|RESOURCE_EXHAUSTED|INTERNAL_ERROR|TRANSIENT_ERROR|DEADLINE_EXCEEDED/;

interface GoogleAdsError {
  errorCode?: Record<string, unknown>;
  message?: unknown;
  location?: { fieldPathElements?: Array<{ fieldName?: unknown; index?: unknown }> };
}

/** The refused rows of a partial failure: row index -> what Google said. */
function failedRows(body: unknown, batchSize: number): Map<number, string> | undefined {
  const failure = (body as { partialFailureError?: { details?: Array<{ errors?: GoogleAdsError[] }> } } | null)?.partialFailureError;
  if (failure === undefined || failure === null) return undefined;
  const rows = new Map<number, string>();
  for (const detail of failure.details ?? []) {
    for (const error of detail.errors ?? []) {
      const element = error.location?.fieldPathElements?.find((e) => e.fieldName === 'conversions');
      const index = typeof element?.index === 'number' ? element.index : 0;
      if (index < 0 || index >= batchSize) continue;
      const code = Object.values(error.errorCode ?? {}).find((v) => typeof v === 'string') as string | undefined;
      const message = vendorMessage(error.message);
      rows.set(index, `Google Ads ${code ?? 'error'}${message ? `: ${message}` : ''}`);
    }
  }
  return rows;
}

export function classifyGoogleAds(response: VendorResponse, batchSize: number): BatchOutcome {
  if (response.status < 200 || response.status >= 300) {
    const outcome = classifyHttp(response);
    const status = (() => {
      try {
        return String((JSON.parse(response.body) as { error?: { status?: unknown } }).error?.status ?? '');
      } catch {
        return '';
      }
    })();
    const reason = `Google Ads HTTP ${response.status}${/^[A-Z_]{1,40}$/.test(status) ? ` ${status}` : ''}`;
    return outcome.kind === 'ok' ? outcome : { ...outcome, reason };
  }
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    return { kind: 'ok' };
  }
  const rows = failedRows(body, batchSize);
  if (rows === undefined || rows.size === 0) return { kind: 'ok' };
  const outcomes: Outcome[] = Array.from({ length: batchSize }, (_, i) => {
    const reason = rows.get(i);
    if (reason === undefined) return { kind: 'ok' };
    return RETRYABLE.test(reason) ? { kind: 'retry', reason } : { kind: 'abort', reason };
  });
  return { kind: 'per-event', outcomes };
}

export const googleAdsConnector: HttpConnector<GoogleAdsSettings, ClickConversion> = {
  kind: 'http',
  type: 'google-ads',
  label: 'Google Ads (click conversions)',
  settings: googleAdsSettings,
  // Nothing is a conversion until the destination's mapping names its conversion action.
  // Only `value` and `currency` are read from the parameters.
  defaultMapping: { events: {}, properties: {}, constants: {}, defaults: {}, unmapped: 'keep' },
  limits: { maxEvents: 2000, maxBytes: 4_000_000 },
  identifiers: { clickIds: ['gclid', 'gbraid', 'wbraid'], email: 'google', phone: 'e164' },
  format(mapped, settings) {
    const { event } = mapped;
    const action = /^\d{1,20}$/.test(mapped.name) ? mapped.name : undefined;
    if (action === undefined) return { dropped: 'no conversion action mapped for this event (mapping.events: name -> conversion action id)' };
    const ids = event.identifiers;
    const clickIds = ids?.clickIds ?? {};
    // One click id per conversion: Google refuses more than one.
    const click =
      clickIds.gclid !== undefined
        ? { gclid: clickIds.gclid }
        : clickIds.gbraid !== undefined
          ? { gbraid: clickIds.gbraid }
          : clickIds.wbraid !== undefined
            ? { wbraid: clickIds.wbraid }
            : {};
    const userIdentifiers: NonNullable<ClickConversion['userIdentifiers']> = [];
    if (ids?.emailSha256 !== undefined) userIdentifiers.push({ hashedEmail: ids.emailSha256 });
    if (ids?.phoneSha256 !== undefined) userIdentifiers.push({ hashedPhoneNumber: ids.phoneSha256 });
    if (Object.keys(click).length === 0 && userIdentifiers.length === 0) {
      return { dropped: 'no click id or authorized user identifiers (Google Ads would reject the conversion)' };
    }
    const consent = googleAdsConsent(event.context.consent);
    const value = conversionValue(mapped.params);
    const payload: ClickConversion = {
      ...click,
      conversionAction: `customers/${settings.customerId}/conversionActions/${action}`,
      conversionDateTime: conversionDateTime(eventMs(event)),
      orderId: event.eventId.slice(0, 64),
      ...(value.value !== undefined ? { conversionValue: value.value } : {}),
      ...(value.currency !== undefined ? { currencyCode: value.currency } : {}),
      ...(userIdentifiers.length > 0 ? { userIdentifiers } : {}),
      consent: consent.fields,
    };
    return { payload, batchKey: 'google-ads', decision: consent.decision };
  },
  auth: {
    /** OAuth2 refresh-token grant: a short-lived access token. */
    async obtain(settings, { send, now, timeoutMs }): Promise<Credentials> {
      const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: settings.clientId, client_secret: settings.clientSecret, refresh_token: settings.refreshToken });
      const response = await send({ url: settings.tokenUrl, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() }, timeoutMs);
      if (response.status !== 200) throw new Error(`Google OAuth answered HTTP ${response.status}`);
      let token: { access_token?: unknown; expires_in?: unknown };
      try {
        token = JSON.parse(response.body) as typeof token;
      } catch {
        // The parser's message would quote the body, which holds the token.
        throw new Error('Google OAuth answered with a body that is not JSON');
      }
      if (typeof token.access_token !== 'string' || token.access_token === '') throw new Error('Google OAuth answered without an access token');
      const seconds = typeof token.expires_in === 'number' && token.expires_in > 0 ? token.expires_in : 3600;
      return { accessToken: token.access_token, expiresAt: now + seconds * 1000 };
    },
  },
  buildRequest(payloads, settings, { credentials }): OutboundRequest {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      authorization: `Bearer ${credentials?.accessToken ?? ''}`,
      'developer-token': settings.developerToken,
    };
    if (settings.loginCustomerId !== undefined) headers['login-customer-id'] = settings.loginCustomerId;
    return {
      url: `${settings.endpoint.replace(/\/+$/, '')}/${settings.apiVersion}/customers/${settings.customerId}:uploadClickConversions`,
      method: 'POST',
      headers,
      body: JSON.stringify({ conversions: payloads, partialFailure: true, validateOnly: settings.validateOnly }),
    };
  },
  classify: (response, payloads) => classifyGoogleAds(response, payloads.length),
};
