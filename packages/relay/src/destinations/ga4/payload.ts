/** The Measurement Protocol body (developers.google.com/analytics/devguides/collection/protocol/ga4/reference). */
export type Ga4ParamValue = string | number;

export interface Ga4Event {
  name: string;
  params: Record<string, Ga4ParamValue>;
  timestamp_micros?: number;
}

export interface Ga4Payload {
  client_id: string;
  user_id?: string;
  user_properties?: Record<string, { value: Ga4ParamValue }>;
  /** From the consent compiler (consent-fields.ts). */
  consent?: { ad_user_data: 'GRANTED' | 'DENIED'; ad_personalization: 'GRANTED' | 'DENIED' };
  events: Ga4Event[];
}

export const GA4_LIMITS = {
  eventsPerRequest: 25,
  paramsPerEvent: 25,
  userProperties: 25,
  requestBytes: 130_000,
  paramValueLength: 100,
  userPropertyValueLength: 36,
  /** GA4 refuses timestamps older than 72 hours. */
  maxBackdateMs: 72 * 3600 * 1000,
} as const;

/** Longer limits for the page parameters. */
export const PARAM_VALUE_LIMITS: Record<string, number> = {
  page_location: 1000,
  page_referrer: 420,
  page_title: 300,
};
