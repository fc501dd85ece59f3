/**
 * The public ingest listener: Segment-compatible tracking routes, health, readiness and metrics.
 * Answers 2xx only after the request's outbox rows are committed.
 *
 * Slow or hostile clients are bounded: header, request and idle timeouts, a connection cap, a
 * Basic-auth write key checked before the body is read, bodies read against a shared budget,
 * CSP reports and guard sightings rate-limited per client, and /metrics behind a bearer token.
 */
import cors from '@fastify/cors';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { definitionSchema, type PalisadeConfig, problemsFrom } from '@palisade/schema';
import { CSP_REPORT_PATH, cspHeaders } from './csp/build-policy.js';
import { isSiteRoute, serveSite, type SiteSignIn } from './serve-site.js';
import type { ActiveDestination } from './destinations/active-destination.js';
import { BODY_LIMIT_BYTES, parseBody } from './ingest/parse-body.js';
import type { RecentAutotrack } from './ingest/recent-autotrack.js';
import { type CompiledDefinition, compileDefinitions } from './pipeline/definitions.js';
import { sendError } from './http-errors.js';
import { BODIES_BUSY, BodyBudget, bodyReader } from './ingest/read-body.js';
import { registerIngestRoutes, type IngestRouteOptions } from './ingest/routes.js';
import { basicUser } from './ingest/write-key.js';
import { registerReportRoute, TrackerInventory } from './trackers/inventory.js';
import type { PrivacyRules } from './pipeline/transform.js';
import type { ForwardedLog } from './delivery/forwarded-log.js';
import { bearerOnly } from './metrics-auth.js';
import type { Logger } from './log.js';
import type { RelayMetrics } from './metrics.js';
import type { SdkAsset } from './sdk-asset.js';
import type { Store } from './store/store.js';

/** The policy of every response that is not a page of the site: nothing may load or run in it. */
export const RELAY_RESPONSE_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export interface IngestState {
  config: PalisadeConfig;
  destinations: ActiveDestination[];
  /** Write key -> environment and its privacy rules: once per config. */
  environments: Map<string, { name: string; env: EnvironmentConfig; rules: PrivacyRules }>;
  /** Every environment's allowed origins (CORS, and the only origins a response may name). */
  allowedOrigins: Set<string>;
  /** The config's event definitions, parsed once. */
  definitions: CompiledDefinition[];
}

type EnvironmentConfig = PalisadeConfig['environments'][string];

export function ingestState(config: PalisadeConfig, destinations: ActiveDestination[]): IngestState {
  const { privacy } = config;
  const environments = new Map(
    Object.entries(config.environments).map(([name, env]) => [
      env.writeKey,
      {
        name,
        env,
        rules: {
          keepQueryParams: new Set(privacy.keepQueryParams),
          pageOrigins: new Set(env.allowedOrigins),
          libraries: new Set(privacy.libraries),
          maxValueLength: privacy.maxValueLength,
          maxValueLengths: privacy.maxValueLengths,
          phoneCountryCode: privacy.phoneCountryCode,
        },
      },
    ]),
  );
  const allowedOrigins = new Set(Object.values(config.environments).flatMap((e) => e.allowedOrigins));
  return { config, destinations, environments, allowedOrigins, definitions: compileDefinitions(config.definitions) };
}

/** The body of `POST /admin/definitions/test`. */
const definitionTestBody = z.strictObject({ definitions: z.array(definitionSchema).min(1).max(500), environment: z.string().max(32).optional() });

/** Connection and time bounds of the public listener. */
export interface ServerLimits {
  /** Open connections at once; more are refused by the kernel's accept backlog. */
  maxConnections: number;
  /** Time to receive a request's headers. */
  headersTimeoutMs: number;
  /** Time to receive a whole request, body included. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Bytes of request bodies being received at once, all clients together. */
  bodyBudgetBytes: number;
  /** What one client (one address) may hold of that budget once it is half used. */
  bodyBudgetClientBytes: number;
  /** Tracker sightings (CSP reports, guard reports) one client may add per minute. */
  sightingsPerMinute: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxConnections: 2048,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 10_000,
  bodyBudgetBytes: 64 * 1024 * 1024,
  bodyBudgetClientBytes: 4 * 1024 * 1024,
  sightingsPerMinute: 120,
};

/** `observeAccepted` is the ingest routes' own option, passed through. */
export interface IngestServerOptions extends Pick<IngestRouteOptions, 'observeAccepted'> {
  state: () => IngestState;
  store: Store;
  metrics: RelayMetrics;
  logger: Logger;
  /** Called after rows were committed, so delivery starts without waiting for a poll. */
  onCommitted: (destinationIds: Set<string>) => void;
  /** The browser SDK to serve at /palisade.js, when built. */
  sdk?: SdkAsset;
  /** A website to serve from this listener (the demo clinic), and paths it must never serve. */
  site?: { root: string; hidden: string[]; signIn?: SiteSignIn };
  /** Bearer token for /metrics; without one, /metrics is not served on this listener. */
  metricsToken?: string;
  /**
   * `/admin/forwarded` and `/admin/definitions/test` for the holder of the token (see ForwardedLog
   * and RecentAutotrack).
   */
  admin?: { token: string; forwarded: ForwardedLog; autotrack: RecentAutotrack };
  limits?: Partial<ServerLimits>;
  /**
   * Addresses (IPs or CIDR ranges) of reverse proxies in front of the relay: from them, and only
   * from them, the client's address is taken from X-Forwarded-For, so per-client limits (body
   * budget, tracker sightings) apply per visitor rather than to the proxy as one client. Never
   * "any": a header anyone can send must not choose whose budget a request spends.
   */
  trustProxy?: string[];
}

export async function buildIngestServer(options: IngestServerOptions): Promise<FastifyInstance> {
  const { store, metrics } = options;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const budget = new BodyBudget(limits.bodyBudgetBytes, Math.min(limits.bodyBudgetClientBytes, limits.bodyBudgetBytes));
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: options.trustProxy && options.trustProxy.length > 0 ? options.trustProxy : false,
    // Per-request log lines cost throughput and say nothing a metric does not; for the same
    // reason requests log through the relay's logger itself, not a child made for each request.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: (logger) => logger,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionTimeout: limits.requestTimeoutMs + limits.keepAliveTimeoutMs,
  });
  app.server.headersTimeout = limits.headersTimeoutMs;
  app.server.maxConnections = limits.maxConnections;
  // No framework JSON parsing: bodies are read against the shared budget and parsed once, with
  // our limits, in the handler.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', 'text/plain', 'application/csp-report', 'application/reports+json'], bodyReader(BODY_LIMIT_BYTES, budget));

  // The relay's own responses (the API, the SDK, health, metrics, errors) need nothing a page
  // needs: were one rendered in a frame, this policy lets it load and run nothing, and no
  // response is sniffed into another type. The site's files carry the site's policy instead
  // (serve-site.ts marks its routes).
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    if (!isSiteRoute(request)) reply.header('content-security-policy', RELAY_RESPONSE_POLICY);
    return payload;
  });

  // A Basic-auth write key is checked before the body is read: an unknown key costs no buffering.
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST' || !request.url.startsWith('/v1/') || request.url.startsWith(CSP_REPORT_PATH)) return;
    const user = basicUser(request.headers.authorization);
    if (user !== undefined && !options.state().environments.has(user)) {
      return sendError(reply.header('connection', 'close'), 'unauthorized', 'unknown or missing write key');
    }
  });

  await app.register(cors, {
    origin: (origin, cb) => cb(null, origin !== undefined && options.state().allowedOrigins.has(origin)),
    methods: ['POST', 'GET', 'OPTIONS'],
    allowedHeaders: ['content-type', 'authorization'],
    maxAge: 86_400,
  });

  app.setErrorHandler((error: { code?: string; statusCode?: number }, _request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendError(reply, 'payload_too_large', `the body is larger than ${BODY_LIMIT_BYTES / 1024} KB`);
    if (error.code === BODIES_BUSY) return sendError(reply.header('retry-after', '1'), 'busy', 'too many requests in flight; retry later');
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendError(reply, 'unsupported_media_type', 'send application/json or text/plain');
    if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error.statusCode === 400) return sendError(reply, 'invalid_body', 'the request body is missing or malformed');
    options.logger.error({ code: error.code }, 'unhandled error');
    return sendError(reply, 'internal', 'internal error');
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, 'not_found', 'no such route'));

  const inventory = new TrackerInventory(store, metrics, options.logger, limits.sightingsPerMinute);
  registerIngestRoutes(app, {
    state: options.state,
    store,
    metrics,
    logger: options.logger,
    onCommitted: options.onCommitted,
    inventory,
    ...(options.observeAccepted ? { observeAccepted: options.observeAccepted } : {}),
    ...(options.admin ? { autotrack: options.admin.autotrack } : {}),
  });
  registerReportRoute(app, inventory, metrics, options.logger);

  if (options.sdk) {
    const sdk = options.sdk;
    const serve = (request: FastifyRequest, reply: FastifyReply, cacheControl: string) => {
      reply.header('content-type', 'application/javascript; charset=utf-8').header('etag', sdk.etag).header('cache-control', cacheControl);
      reply.header('x-palisade-sdk', `/palisade.${sdk.hash}.js`);
      if (request.headers['if-none-match'] === sdk.etag) return reply.code(304).send();
      return reply.send(sdk.body);
    };
    app.get('/palisade.js', (request, reply) => serve(request, reply, 'public, max-age=300, must-revalidate'));
    app.get(`/palisade.${sdk.hash}.js`, (request, reply) => serve(request, reply, 'public, max-age=31536000, immutable'));
  }

  if (options.site) {
    await serveSite(app, options.site.root, {
      hidden: options.site.hidden,
      csp: cspHeaders(options.state().config.browser),
      allowedOrigins: () => options.state().allowedOrigins,
      ...(options.site.signIn ? { signIn: options.site.signIn } : {}),
    });
  }

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await store.ping();
      return { status: 'ready' };
    } catch {
      return sendError(reply, 'not_ready', 'the store is not writable');
    }
  });
  // What each destination was sent lately, for `palisade scan --relay-admin`. `since` is an ISO
  // time; at most the last hour (the log keeps the newest 2,000 bodies anyway).
  const admin = options.admin;
  app.get('/admin/forwarded', { onRequest: bearerOnly(admin?.token) }, async (request, reply) => {
    const since = (request.query as Record<string, unknown>).since;
    const parsed = typeof since === 'string' && since.length <= 40 ? Date.parse(since) : Number.NaN;
    const hourAgo = Date.now() - 3_600_000;
    reply.header('cache-control', 'no-store');
    return { destinations: admin!.forwarded.since(Number.isNaN(parsed) ? hourAgo : Math.max(parsed, hourAgo)) };
  });
  // What definitions would match among the latest autotrack events (`palisade definitions test`):
  // matched here, so only names, chains and page templates leave.
  app.post('/admin/definitions/test', { onRequest: bearerOnly(admin?.token) }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const parsed = parseBody(typeof request.body === 'string' ? request.body : '');
    if (!parsed.ok) return sendError(reply, 'invalid_body', parsed.message);
    const body = definitionTestBody.safeParse(parsed.value);
    if (!body.success) {
      const p = problemsFrom(body.error)[0]!;
      return sendError(reply, 'invalid_body', `${p.path}: ${p.message}`);
    }
    return admin!.autotrack.test(body.data.definitions, body.data.environment);
  });
  // Metrics name destinations and volumes: only for the holder of the token. The store keeps the
  // outbox gauges as counters, so a scrape never scans the outbox.
  app.get('/metrics', { onRequest: bearerOnly(options.metricsToken) }, async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  return app;
}
