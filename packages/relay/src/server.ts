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
import { batchEnvelopeSchema, problemsFrom, type Message, type MessageType, type PalisadeConfig } from '@palisade/schema';
import { CSP_REPORT_PATH, cspHeaders } from './csp/build-policy.js';
import { browserSightings } from './csp/browser-sightings.js';
import { parseViolationReports } from './csp/violation-report.js';
import { serveSite } from './serve-site.js';
import type { ActiveDestination } from './destinations/active-destination.js';
import { BODY_LIMIT_BYTES, envelopeProblem, messageProblem, parseBody } from './ingest/parse-body.js';
import { sendError } from './http-errors.js';
import { BODIES_BUSY, BodyBudget, bodyReader } from './ingest/read-body.js';
import { RecentMessages } from './ingest/recent-messages.js';
import { toOutbox } from './ingest/to-outbox.js';
import { validateMessages } from './ingest/validate-messages.js';
import { basicUser, writeKeyFrom } from './ingest/write-key.js';
import { ClientRateLimit } from './ingest/client-rate-limit.js';
import type { PrivacyRules } from './pipeline/transform.js';
import { bearerMatches } from './metrics-auth.js';
import type { Logger } from './log.js';
import type { RelayMetrics } from './metrics.js';
import type { SdkAsset } from './sdk-asset.js';
import type { Store, TrackerSighting } from './store/store.js';

export interface IngestState {
  config: PalisadeConfig;
  destinations: ActiveDestination[];
  /** Write key -> environment and its privacy rules: once per config. */
  environments: Map<string, { name: string; env: EnvironmentConfig; rules: PrivacyRules }>;
  /** Every environment's allowed origins (CORS, and the only origins a response may name). */
  allowedOrigins: Set<string>;
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
        },
      },
    ]),
  );
  const allowedOrigins = new Set(Object.values(config.environments).flatMap((e) => e.allowedOrigins));
  return { config, destinations, environments, allowedOrigins };
}

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

export interface IngestServerOptions {
  state: () => IngestState;
  store: Store;
  metrics: RelayMetrics;
  logger: Logger;
  /** Called after rows were committed, so delivery starts without waiting for a poll. */
  onCommitted: (destinationIds: Set<string>) => void;
  /** The browser SDK to serve at /palisade.js, when built. */
  sdk?: SdkAsset;
  /** A website to serve from this listener (the demo clinic), and paths it must never serve. */
  site?: { root: string; hidden: string[] };
  /** Bearer token for /metrics; without one, /metrics is not served on this listener. */
  metricsToken?: string;
  limits?: Partial<ServerLimits>;
}

const SINGLE_ROUTES: MessageType[] = ['track', 'identify', 'page', 'screen', 'group', 'alias'];

export async function buildIngestServer(options: IngestServerOptions): Promise<FastifyInstance> {
  const { store, metrics } = options;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const recent = new RecentMessages();
  const budget = new BodyBudget(limits.bodyBudgetBytes, Math.min(limits.bodyBudgetClientBytes, limits.bodyBudgetBytes));
  const sightingLimit = new ClientRateLimit(limits.sightingsPerMinute, 60_000);
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
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

  async function ingest(request: FastifyRequest, reply: FastifyReply, type: MessageType | undefined) {
    const parsed = parseBody(typeof request.body === 'string' ? request.body : '');
    if (!parsed.ok) return sendError(reply, 'invalid_body', parsed.message);
    const state = options.state();
    const writeKey = writeKeyFrom(request.headers.authorization, parsed.value);
    const found = writeKey === undefined ? undefined : state.environments.get(writeKey);
    if (!found) return sendError(reply, 'unauthorized', 'unknown or missing write key');
    const origin = request.headers.origin;
    if (origin !== undefined && !found.env.allowedOrigins.includes(origin)) {
      return sendError(reply, 'origin_not_allowed', "this origin is not in allowedOrigins of the write key's environment");
    }

    let raw: unknown[];
    let defaults: Parameters<typeof validateMessages>[1] = {};
    if (type === undefined) {
      const problem = envelopeProblem(parsed.value);
      if (problem !== undefined) return sendError(reply, 'invalid_body', problem);
      const envelope = batchEnvelopeSchema.safeParse(parsed.value);
      if (!envelope.success) {
        const p = problemsFrom(envelope.error)[0]!;
        return sendError(reply, 'invalid_body', p.message, p.path.split('.')[0] || undefined);
      }
      raw = envelope.data.batch;
      defaults = { sentAt: envelope.data.sentAt, context: envelope.data.context };
    } else {
      raw = [parsed.value];
      defaults = { type };
    }

    const { messages, rejected } = validateMessages(raw, defaults);
    metrics.messages.inc({ outcome: 'rejected' }, rejected.length);
    if (messages.length === 0) return reply.code(400).send({ accepted: 0, rejected });
    const fresh = await unseen(found.name, messages);
    metrics.messages.inc({ outcome: 'accepted' }, fresh.length);
    metrics.messages.inc({ outcome: 'duplicate' }, messages.length - fresh.length);

    const receivedAt = new Date().toISOString();
    const { rows, queued, dropped, refused } = toOutbox(fresh, state.destinations, found.name, found.rules, receivedAt);
    const commit = store.enqueue(rows);
    recent.track(found.name, fresh.map(dedupId), commit);
    try {
      await commit;
    } catch (error) {
      options.logger.error({ err: { message: (error as Error).message } }, 'outbox commit failed');
      return sendError(reply, 'store_unavailable', 'events could not be stored; retry later');
    }
    const sightings = browserSightings(fresh);
    if (sightings.length > 0) recordSightings(request, sightings, false);
    for (const [destination, n] of queued) metrics.pipeline.inc({ destination, outcome: 'queued', reason: '' }, n);
    for (const [destination, reasons] of dropped) {
      for (const [reason, n] of reasons) metrics.pipeline.inc({ destination, outcome: 'dropped', reason }, n);
    }
    for (const [destination, reasons] of refused) {
      for (const [reason, n] of reasons) metrics.refusedValues.inc({ destination, reason }, n);
    }
    options.onCommitted(new Set(queued.keys()));
    return reply.code(200).send({ accepted: messages.length, rejected });
  }

  /**
   * A message id counts per visitor: ids are chosen by clients, and one who learned another
   * visitor's id must not be able to claim it first and have the real event dropped as a resend.
   * A resend carries the same ids as the original, so it still matches.
   */
  function dedupId(m: Message): string {
    return `${m.anonymousId ?? ''}\u0001${m.userId ?? ''}\u0001${m.messageId!}`;
  }

  /**
   * The messages not stored before. A resent id whose first commit is still on its way waits for
   * it: acknowledged as a duplicate if it was stored, sent again by this request if it failed.
   */
  async function unseen(environment: string, messages: Message[]): Promise<Message[]> {
    for (;;) {
      const fresh: Message[] = [];
      const waits: Array<Promise<unknown>> = [];
      const seen = new Set<string>();
      for (const m of messages) {
        const id = dedupId(m);
        if (seen.has(id) || recent.has(environment, id)) continue;
        seen.add(id);
        const pending = recent.pending(environment, id);
        if (pending) waits.push(pending);
        else fresh.push(m);
      }
      if (waits.length === 0) return fresh;
      await Promise.all(waits);
    }
  }

  /**
   * The tracker inventory is not part of any acknowledgement. Each client adds a bounded number of
   * sightings per minute, so junk reports cannot crowd the inventory; the rest are counted only.
   */
  function recordSightings(request: FastifyRequest, sightings: TrackerSighting[], fromReport: boolean): Promise<void> {
    const allowed = sightings.slice(0, sightingLimit.take(request.ip, sightings.length));
    if (allowed.length < sightings.length) metrics.sightingsLimited.inc({}, sightings.length - allowed.length);
    if (allowed.length === 0) return Promise.resolve();
    const write = store.recordTrackers(allowed, Date.now());
    if (fromReport) return write;
    return write.catch((error: Error) => options.logger.warn({ err: { message: error.message } }, 'tracker inventory write failed'));
  }

  app.post('/v1/batch', (request, reply) => ingest(request, reply, undefined));
  app.post('/v1/import', (request, reply) => ingest(request, reply, undefined));
  for (const type of SINGLE_ROUTES) app.post(`/v1/${type}`, (request, reply) => ingest(request, reply, type));

  // CSP violation reports (report-uri and Reporting API) feed the tracker inventory.
  app.post(CSP_REPORT_PATH, async (request, reply) => {
    const parsed = parseBody(typeof request.body === 'string' ? request.body : '');
    const sightings = parsed.ok && messageProblem(parsed.value) === undefined ? parseViolationReports(parsed.value) : undefined;
    if (sightings === undefined) return sendError(reply, 'invalid_report', 'not a CSP violation report');
    metrics.cspReports.inc({}, sightings.length);
    try {
      await recordSightings(request, sightings, true);
    } catch (error) {
      options.logger.error({ err: { message: (error as Error).message } }, 'tracker inventory write failed');
      return sendError(reply, 'store_unavailable', 'report not stored');
    }
    return reply.code(204).send();
  });

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
  // Metrics name destinations and volumes: only for the holder of the token. The store keeps the
  // outbox gauges as counters, so a scrape never scans the outbox.
  app.get('/metrics', async (request, reply) => {
    if (options.metricsToken === undefined) return sendError(reply, 'not_found', 'no such route');
    if (!bearerMatches(request.headers.authorization, options.metricsToken)) {
      return sendError(reply.header('www-authenticate', 'Bearer'), 'unauthorized', 'a bearer token is required');
    }
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  return app;
}
