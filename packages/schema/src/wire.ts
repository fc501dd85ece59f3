/**
 * The wire contract between clients (our SDK, Segment libraries, servers) and the relay.
 * It follows Segment's HTTP Tracking API so existing clients work unchanged.
 * Each message is validated on its own: one bad message never blocks a batch.
 */
import { z } from 'zod';

const MAX_ID = 256;
const MAX_NAME = 200;

/**
 * Free-form JSON objects (properties, traits): only the shape is checked here. Walking every key
 * with a record schema would cost more than the rest of the message; the body parser has already
 * bounded depth and key count, and the pipeline copies nothing from these but allowlisted paths.
 */
const jsonObject = z.custom<Record<string, unknown>>((v) => v !== null && typeof v === 'object' && !Array.isArray(v), { message: 'must be an object' });

const identifier = z.union([z.string().min(1).max(MAX_ID), z.number().finite()]).transform((v) => String(v));

/** ISO-8601 date-time or a Date serialised by JSON; refused when not parseable. */
const timestamp = z
  .string()
  .max(64)
  .refine((s) => !Number.isNaN(Date.parse(s)), {
    message: 'must be an ISO-8601 date-time',
  });

export const pageContextSchema = z
  .object({
    url: z.string().max(8192).optional(),
    path: z.string().max(4096).optional(),
    referrer: z.string().max(8192).optional(),
    title: z.string().max(2048).optional(),
    search: z.string().max(8192).optional(),
  })
  .loose();

export const contextSchema = z
  .object({
    page: pageContextSchema.optional(),
    userAgent: z.string().max(2048).optional(),
    locale: z.string().max(64).optional(),
    timezone: z.string().max(128).optional(),
    ip: z.string().max(64).optional(),
    library: z
      .object({ name: z.string().max(128), version: z.string().max(64).optional() })
      .loose()
      .optional(),
    consent: z
      .object({
        categoryPreferences: z.record(z.string(), z.boolean()).optional(),
        /** The browser's Global Privacy Control signal: denies advertising and authorization. */
        gpc: z.boolean().optional(),
        /** The visitor's region where the site knows it (`US-CA`); checked by the relay. */
        region: z.string().max(16).optional(),
      })
      .loose()
      .optional(),
    campaign: jsonObject.optional(),
    /** Ad click ids the SDK kept from landing URLs (`gclid`, `fbc`, ...); each checked by the relay. */
    clickIds: jsonObject.optional(),
    /** Session id (number, e.g. the session start in seconds) as GA4 and Amplitude need it. */
    sessionId: z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,20}$/)]).optional(),
    /** Source of an event produced by a tag shim (gtag, fbq, ...), set by the SDK. */
    shim: z.string().max(64).optional(),
  })
  .loose();

const common = {
  messageId: z.string().min(1).max(MAX_ID).optional(),
  anonymousId: identifier.optional(),
  userId: identifier.optional(),
  timestamp: timestamp.optional(),
  sentAt: timestamp.optional(),
  context: contextSchema.optional(),
  integrations: jsonObject.optional(),
};

/**
 * Track events named with a `$` are Palisade's own: autotrack's `$click`, `$submit`, `$change`
 * and the guard's `$blocked`. Any other `$` name (`$pageview`, `$identify`, ...) would pass for a
 * page view or an identify in the allowlists, so a track call cannot use one.
 */
export const reservedEvents = ['$click', '$submit', '$change', '$blocked'] as const;
const trackEventName = z
  .string()
  .min(1)
  .max(MAX_NAME)
  .refine((name) => !name.startsWith('$') || (reservedEvents as readonly string[]).includes(name), {
    message: `event names starting with $ are reserved; a track call may use only ${reservedEvents.join(', ')}`,
  });
const track = z.object({ ...common, type: z.literal('track'), event: trackEventName, properties: jsonObject.optional() }).loose();
const identify = z.object({ ...common, type: z.literal('identify'), traits: jsonObject.optional() }).loose();
const page = z
  .object({ ...common, type: z.literal('page'), name: z.string().max(MAX_NAME).optional(), category: z.string().max(MAX_NAME).optional(), properties: jsonObject.optional() })
  .loose();
const screen = z.object({ ...common, type: z.literal('screen'), name: z.string().max(MAX_NAME).optional(), properties: jsonObject.optional() }).loose();
const group = z.object({ ...common, type: z.literal('group'), groupId: identifier, traits: jsonObject.optional() }).loose();
const alias = z.object({ ...common, type: z.literal('alias'), previousId: identifier }).loose();

export const messageTypes = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;
export type MessageType = (typeof messageTypes)[number];

export const messageSchema = z.discriminatedUnion('type', [track, identify, page, screen, group, alias]).refine((m) => m.userId !== undefined || m.anonymousId !== undefined, {
  message: 'either userId or anonymousId is required',
  path: ['anonymousId'],
});

export type Message = z.infer<typeof messageSchema>;

/** Envelope of POST /v1/batch. Messages are validated one by one afterwards. */
export const batchEnvelopeSchema = z
  .object({
    batch: z.array(z.unknown()).min(1).max(2500),
    sentAt: timestamp.optional(),
    writeKey: z.string().max(256).optional(),
    context: jsonObject.optional(),
    integrations: jsonObject.optional(),
  })
  .loose();

/** Reserved autotrack and guard event names (see DESIGN.md). */
