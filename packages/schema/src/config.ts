/**
 * The Palisade config file (YAML or JSON). Everything a destination may receive is named here;
 * whatever is not named is dropped. Exported as JSON Schema for editors (`palisade config schema`).
 */
import { z } from 'zod';
import { definitionsSchema } from './definitions.js';
import { PROPERTY_PATH } from './property-path.js';
import { secretRefSchema } from './secret-ref.js';

const NAME = /^[a-z][a-z0-9_-]{0,31}$/;
const DESTINATION_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

const environmentName = z.string().regex(NAME, 'environment names are lower-case letters, digits, - and _');

/**
 * A host as DNS names it (after IDNA: ASCII letters, digits, hyphens, dot-separated labels), an
 * IPv4 address, or a bracketed IPv6 one. The URL parser admits far more (`"`, `;`, `'`, `=`),
 * and an origin is written into CSP headers and script tags: a `;` would end a CSP directive,
 * a `"` an HTML attribute. No wildcards either: `*.example.com` would admit a taken-over subdomain.
 */
const HOSTNAME = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])$/;

export function isPlainOrigin(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === s && HOSTNAME.test(u.hostname);
  } catch {
    return false;
  }
}

const origin = z.string().refine(isPlainOrigin, { message: 'must be an origin such as https://clinic.example (scheme, host and optional port only)' });

export const environmentSchema = z.strictObject({
  writeKey: z.string().regex(/^[A-Za-z0-9_-]{8,128}$/, 'write keys are 8 to 128 letters, digits, - or _'),
  allowedOrigins: z.array(origin).default([]),
});

export const propertyRuleSchema = z.enum(['allow', 'mask']);
export type PropertyRule = z.infer<typeof propertyRuleSchema>;

const propertyAllowlist = z.record(z.string().regex(PROPERTY_PATH, 'property paths are dotted names such as appointment.clinic_id'), propertyRuleSchema).default({});

export const allowlistSchema = z.strictObject({
  /**
   * Event names (`$pageview` and friends for pages, identify, group, autotrack). An event a tag
   * shim produced is named with its shim first (`fbq:Lead`, `gtag:generate_lead`,
   * `dataLayer:appointment_booked`) and is not allowed by its plain name.
   */
  events: z.array(z.string().min(1).max(200)).default([]),
  eventProperties: propertyAllowlist,
  userProperties: propertyAllowlist,
  groupProperties: propertyAllowlist,
  /** Page titles often name conditions ("Depression treatment"); dropped unless allowed. */
  pageTitle: z.boolean().default(false),
  /**
   * The full user agent instead of browser family, major version and OS; only without HIPAA
   * mode (a BAA is recorded), and only when it reads like a browser's (screened like any value).
   */
  userAgent: z.boolean().default(false),
});
export type Allowlist = z.output<typeof allowlistSchema>;

const hipaaSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    baa: z
      .strictObject({
        signed: z.boolean(),
        signedOn: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2026-01-31')
          .optional(),
        reference: z.string().max(200).optional(),
      })
      .optional(),
  })
  .default({ enabled: true });

const deliverySchema = z
  .strictObject({
    /** Attempts before an event goes to dead letters (together with maxAgeHours). */
    maxAttempts: z.number().int().min(1).max(1000).default(10),
    /** Hours after the first attempt before a failing event goes to dead letters. */
    maxAgeHours: z
      .number()
      .positive()
      .max(24 * 30)
      .default(4),
    /** Upper bound for one request; the connector's own vendor limit applies too. */
    batchSize: z.number().int().min(1).max(1000).optional(),
    /** Vendor requests in flight at once for this destination. */
    concurrency: z.number().int().min(1).max(64).default(4),
    /** Requests per second to this vendor; unlimited when absent. */
    ratePerSecond: z.number().positive().max(10_000).optional(),
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    /** Backoff between attempts: random(0, min(retryMaxMs, retryBaseMs * 2^attempt)). */
    retryBaseMs: z.number().int().min(1).max(3_600_000).default(1000),
    retryMaxMs: z.number().int().min(1).max(86_400_000).default(600_000),
    /** A vendor's Retry-After is honoured up to this (a `Retry-After: 3600` must not stop delivery for an hour). */
    maxRetryAfterMs: z.number().int().min(0).max(86_400_000).default(300_000),
    /** While a vendor fails, one batch probes it at least this often; when it answers, every waiting event goes at once. */
    probeIntervalMs: z.number().int().min(10).max(3_600_000).default(30_000),
  })
  .default({ maxAttempts: 10, maxAgeHours: 4, concurrency: 4, timeoutMs: 10_000, retryBaseMs: 1000, retryMaxMs: 600_000, maxRetryAfterMs: 300_000, probeIntervalMs: 30_000 });

/** An http(s) URL setting (a vendor endpoint, a webhook). */
export const httpUrl = z.string().refine(
  (s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'https:' || u.protocol === 'http:';
    } catch {
      return false;
    }
  },
  { message: 'must be an http(s) URL' },
);

const scalar = z.union([z.string().max(500), z.number(), z.boolean()]);
const vendorName = z.string().min(1).max(100);

/**
 * Per-destination mapping, read by the relay's one mapping engine on top of the connector's
 * default mapping: event names to vendor events (`false`: not sent to this vendor), property
 * paths to vendor parameters, constant and default parameters. Property paths must be admitted
 * by the destination's allowlist: a mapping can only rename what the allowlist let through.
 */
export const mappingSchema = z.strictObject({
  events: z.record(z.string().min(1).max(200), z.union([vendorName, z.literal(false)])).default({}),
  properties: z.record(z.string().regex(PROPERTY_PATH, 'property paths are dotted names such as appointment.clinic_id'), vendorName).default({}),
  constants: z.record(vendorName, scalar).default({}),
  defaults: z.record(vendorName, scalar).default({}),
  /** Allowed properties the mapping does not name: sent under their own names (`keep`) or not. */
  unmapped: z.enum(['keep', 'drop']).optional(),
});
export type MappingConfig = z.output<typeof mappingSchema>;

/**
 * Identifier classes beyond the opaque masked ids (class A) every destination gets:
 *  - clickIds (class B): the vendor's own click id (gclid, fbc, ttclid, li_fat_id, msclkid);
 *  - contactHashes (class C): SHA-256 of the visitor's normalized email and phone.
 * Neither is ever sent unless opted in here, and then only for an event that carries the
 * visitor's patient authorization (consent category `authorization`, denied under GPC).
 */
const identifierOptIn = z.enum(['never', 'with-authorization']).default('never');
export const identifiersSchema = z.strictObject({ clickIds: identifierOptIn, contactHashes: identifierOptIn }).default({ clickIds: 'never', contactHashes: 'never' });
export type IdentifiersConfig = z.output<typeof identifiersSchema>;

const destinationBase = {
  id: z.string().regex(DESTINATION_ID, 'destination ids are lower-case letters, digits, - and _'),
  enabled: z.boolean().default(true),
  /** `client` would load the vendor's pixel in the browser; only allowed with a signed BAA. */
  connection: z.enum(['server', 'client']).default('server'),
  hipaa: hipaaSchema,
  /** The consent category a visitor must grant; `none` for strictly necessary processing. */
  consent: z.enum(['analytics', 'advertising', 'functional', 'none']).default('analytics'),
  allow: z.record(environmentName, allowlistSchema).default({}),
  identifiers: identifiersSchema,
  mapping: mappingSchema.optional(),
  delivery: deliverySchema,
};

/** A destination of any type, as the pipeline sees it; its settings are checked by its connector's schema. */
export const anyDestinationSchema = z.strictObject({ ...destinationBase, type: z.string(), settings: z.record(z.string(), z.unknown()) });
export type DestinationConfig = z.output<typeof anyDestinationSchema>;

/** Destination config schemas, one per type: the relay builds them from its connector registry. */
export function buildDestinationSchema(settingsByType: Record<string, z.ZodObject>) {
  const types = Object.keys(settingsByType);
  if (types.length === 0) throw new Error('no destination types registered');
  const variants = types.map((type) => z.strictObject({ ...destinationBase, type: z.literal(type), settings: settingsByType[type]! }));
  return z.discriminatedUnion('type', variants as unknown as [(typeof variants)[number], ...typeof variants]);
}

export const maskingSchema = z.strictObject({
  key: secretRefSchema,
  /** Prefix of every masked value, so a rotated key's values can be told apart. */
  keyId: z
    .string()
    .regex(/^[a-z0-9]{1,8}$/, '1 to 8 lower-case letters or digits')
    .default('k1'),
  /** Derive a key per destination (HKDF) so one person cannot be joined across vendors. */
  perDestination: z.boolean().default(true),
});

const PRIVACY_DEFAULTS = {
  keepQueryParams: ['utm_source', 'utm_medium', 'utm_campaign'],
  maxValueLength: 1024,
  maxValueLengths: {},
  libraries: [],
  phoneCountryCode: '1',
};

export const privacySchema = z
  .strictObject({
    /** Query parameters kept in page URLs (their values still pass the PHI screen). */
    keepQueryParams: z.array(z.string().min(1).max(64)).default(PRIVACY_DEFAULTS.keepQueryParams),
    /** Longest string value forwarded to any vendor, in characters; longer values are dropped. */
    maxValueLength: z.number().int().min(1).max(65_536).default(PRIVACY_DEFAULTS.maxValueLength),
    /** Per property path (`search_term: 200`), overriding maxValueLength. */
    maxValueLengths: z.record(z.string().regex(PROPERTY_PATH, 'property paths are dotted names such as appointment.clinic_id'), z.number().int().min(1).max(65_536)).default({}),
    /** Library names (context.library.name) forwarded besides the known SDKs. */
    libraries: z.array(z.string().min(1).max(64)).default([]),
    /**
     * Country calling code for phone numbers written without one (`(555) 010-4477`), used only
     * when a contact hash is sent under a patient authorization.
     */
    phoneCountryCode: z
      .string()
      .regex(/^[1-9]\d{0,2}$/, 'a country calling code such as 1 or 44')
      .default(PRIVACY_DEFAULTS.phoneCountryCode),
  })
  .default(PRIVACY_DEFAULTS);

export const browserSchema = z
  .strictObject({
    /** Origins the site's pages may contact besides their own and the relay's (a CDN, web fonts). */
    allowOrigins: z.array(origin).default([]),
    /** Origins that may be framed (a video or map embed); nothing else may. */
    allowEmbeds: z.array(origin).default([]),
    /** The relay's public origin, when the pages are served from another origin than the relay. */
    relayOrigin: origin.optional(),
    csp: z
      .strictObject({
        /** Roll out with report-only first: violations are reported, nothing is blocked. */
        mode: z.enum(['report-only', 'enforce']).default('report-only'),
        /** Existing tag snippets are inline scripts; false drops 'unsafe-inline' from script-src. */
        inlineScripts: z.boolean().default(true),
        /**
         * Also report through the Reporting API (`report-to`). Off by default: where it is present,
         * Chromium ignores `report-uri` and delivers reports in delayed batches instead of at once.
         */
        reportTo: z.boolean().default(false),
      })
      .default({ mode: 'report-only', inlineScripts: true, reportTo: false }),
  })
  .default({ allowOrigins: [], allowEmbeds: [], csp: { mode: 'report-only', inlineScripts: true, reportTo: false } });
export type BrowserConfig = z.output<typeof browserSchema>;

/**
 * The config schema for a set of destination types (`settingsByType`: each type's settings
 * schema, from the relay's connector registry). The relay exports the built schema.
 */
export function buildConfigSchema(settingsByType: Record<string, z.ZodObject>) {
  return z
    .strictObject({
      $schema: z.string().optional(),
      version: z.literal(1).default(1),
      environments: z.record(environmentName, environmentSchema).refine((e) => Object.keys(e).length > 0, {
        message: 'at least one environment is required',
      }),
      masking: maskingSchema,
      privacy: privacySchema,
      browser: browserSchema,
      /** `/metrics` on the public listener answers only `Authorization: Bearer <token>`. */
      metrics: z.strictObject({ token: secretRefSchema.optional() }).default({}),
      /**
       * `/admin/forwarded` on the public listener (what the relay sent each destination lately, for
       * `palisade scan --relay-admin`) answers only `Authorization: Bearer <token>`. Without a
       * token the route does not exist and nothing is kept.
       */
      admin: z.strictObject({ token: secretRefSchema.optional() }).default({}),
      /** Named events from autotrack and other events (definitions.ts), evaluated at ingest. */
      definitions: definitionsSchema,
      destinations: z.array(buildDestinationSchema(settingsByType)).default([]),
    })
    .superRefine((config, ctx) => crossCheck(config, ctx), {
      // Run even when fields already failed, so `config check` reports every problem in one pass.
      when: () => true,
    });
}

/** Query parameters that carry an ad platform's click id. */
const CLICK_ID_PARAMS = new Set(['gclid', 'gbraid', 'wbraid', 'dclid', 'fbclid', '_fbc', 'ttclid', 'li_fat_id', 'msclkid', 'twclid', 'epik', 'rdt_cid']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Rules that span fields. Written against possibly invalid input: every access is guarded. */
function crossCheck(config: unknown, ctx: z.RefinementCtx): void {
  if (!isRecord(config)) return;
  const environments = isRecord(config.environments) ? config.environments : {};
  const writeKeys = new Map<string, string>();
  for (const [name, env] of Object.entries(environments)) {
    if (!isRecord(env) || typeof env.writeKey !== 'string') continue;
    const other = writeKeys.get(env.writeKey);
    if (other) ctx.addIssue({ code: 'custom', path: ['environments', name, 'writeKey'], message: `write key already used by environment ${other}` });
    writeKeys.set(env.writeKey, name);
  }
  // A click id kept in page URLs would reach every destination without a patient authorization.
  const privacy = isRecord(config.privacy) ? config.privacy : {};
  const kept = Array.isArray(privacy.keepQueryParams) ? privacy.keepQueryParams : [];
  kept.forEach((name: unknown, i) => {
    if (typeof name === 'string' && CLICK_ID_PARAMS.has(name.toLowerCase())) {
      ctx.addIssue({
        code: 'custom',
        path: ['privacy', 'keepQueryParams', i],
        message: `${name} is an ad click id: it may leave only under a patient authorization (destinations' identifiers.clickIds), never in page URLs`,
      });
    }
  });
  const destinations = Array.isArray(config.destinations) ? config.destinations : [];
  const ids = new Set<string>();
  destinations.forEach((d: unknown, i) => {
    if (!isRecord(d)) return;
    if (typeof d.id === 'string') {
      if (ids.has(d.id)) ctx.addIssue({ code: 'custom', path: ['destinations', i, 'id'], message: `duplicate destination id ${d.id}` });
      ids.add(d.id);
    }
    const hipaa = isRecord(d.hipaa) ? d.hipaa : {};
    const hipaaOn = hipaa.enabled !== false;
    if (hipaaOn && d.connection === 'client') {
      ctx.addIssue({ code: 'custom', path: ['destinations', i, 'connection'], message: 'HIPAA mode cannot be used with a client-side connection; use connection: server' });
    }
    if (!hipaaOn && !(isRecord(hipaa.baa) && hipaa.baa.signed === true)) {
      ctx.addIssue({ code: 'custom', path: ['destinations', i, 'hipaa', 'enabled'], message: 'HIPAA mode can only be turned off when a BAA is recorded (hipaa.baa.signed: true)' });
    }
    const allow = isRecord(d.allow) ? d.allow : {};
    for (const env of Object.keys(allow)) {
      if (!Object.hasOwn(environments, env)) {
        ctx.addIssue({ code: 'custom', path: ['destinations', i, 'allow', env], message: `unknown environment ${env}; known: ${Object.keys(environments).join(', ')}` });
      }
    }
    // A mapping renames what the allowlist admitted; it cannot name anything else.
    const mapping = isRecord(d.mapping) && isRecord(d.mapping.properties) ? d.mapping.properties : {};
    const admitted = new Set<string>();
    for (const a of Object.values(allow)) {
      if (!isRecord(a)) continue;
      for (const kind of ['eventProperties', 'userProperties', 'groupProperties']) {
        if (isRecord(a[kind])) for (const path of Object.keys(a[kind])) admitted.add(path);
      }
    }
    for (const path of Object.keys(mapping)) {
      if (!admitted.has(path)) {
        ctx.addIssue({
          code: 'custom',
          path: ['destinations', i, 'mapping', 'properties', path],
          message: `${path} is not in this destination's allowlist; a mapping can only rename allowed properties`,
        });
      }
    }
  });
}

/** The config as the relay uses it, whatever destination types are registered. */
const anyConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1),
  environments: z.record(environmentName, environmentSchema),
  masking: maskingSchema,
  privacy: privacySchema,
  browser: browserSchema,
  metrics: z.strictObject({ token: secretRefSchema.optional() }),
  admin: z.strictObject({ token: secretRefSchema.optional() }),
  definitions: definitionsSchema,
  destinations: z.array(anyDestinationSchema),
});
export type PalisadeConfig = z.output<typeof anyConfigSchema>;
export type PalisadeConfigInput = Omit<z.input<typeof anyConfigSchema>, 'destinations' | 'version' | 'metrics' | 'admin' | 'privacy' | 'browser' | 'definitions'> & {
  definitions?: z.input<typeof definitionsSchema>;
  version?: 1;
  metrics?: z.input<typeof anyConfigSchema>['metrics'];
  admin?: z.input<typeof anyConfigSchema>['admin'];
  privacy?: z.input<typeof privacySchema>;
  browser?: z.input<typeof browserSchema>;
  destinations?: Array<Partial<z.input<typeof anyDestinationSchema>> & { id: string; type: string; settings: Record<string, unknown> }>;
};

/** JSON Schema (draft 2020-12) of a config schema, for editors and CI. */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
