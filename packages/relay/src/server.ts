/**
 * The public ingest listener: Segment-compatible tracking routes, health, readiness and metrics.
 * Answers 2xx only after the request's outbox rows are committed.
 */
import cors from '@fastify/cors';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { apiError, batchEnvelopeSchema, problemsFrom, type MessageType, type PalisadeConfig } from '@palisade/schema';
import { CSP_REPORT_PATH, cspHeaders } from './csp/build-policy.js';
import { browserSightings } from './csp/browser-sightings.js';
import { parseViolationReports } from './csp/violation-report.js';
import { serveSite } from './serve-site.js';
import type { ActiveDestination } from './destinations/active-destination.js';
import { BODY_LIMIT_BYTES, parseBody } from './ingest/parse-body.js';
import { RecentMessages } from './ingest/recent-messages.js';
import { toOutbox } from './ingest/to-outbox.js';
import { validateMessages } from './ingest/validate-messages.js';
import { writeKeyFrom } from './ingest/write-key.js';
import type { Logger } from './log.js';
import type { RelayMetrics } from './metrics.js';
import type { SdkAsset } from './sdk-asset.js';
import type { Store } from './store/store.js';

export interface IngestState {
  config: PalisadeConfig;
  destinations: ActiveDestination[];
  /** Write key -> environment, every allowed origin, the kept query parameters: once per config. */
  environments: Map<string, { name: string; env: EnvironmentConfig }>;
  allowedOrigins: Set<string>;
  keepQueryParams: ReadonlySet<string>;
}

type EnvironmentConfig = PalisadeConfig['environments'][string];

export function ingestState(config: PalisadeConfig, destinations: ActiveDestination[]): IngestState {
  const environments = new Map(Object.entries(config.environments).map(([name, env]) => [env.writeKey, { name, env }]));
  const allowedOrigins = new Set(Object.values(config.environments).flatMap((e) => e.allowedOrigins));
  return { config, destinations, environments, allowedOrigins, keepQueryParams: new Set(config.privacy.keepQueryParams) };
}

export interface IngestServerOptions {
  state: () => IngestState;
  store: Store;
  metrics: RelayMetrics;
  logger: Logger;
  /** Called after rows were committed, so delivery starts without waiting for a poll. */
  onCommitted: (destinationIds: Set<string>) => void;
  /** The browser SDK to serve at /palisade.js, when built. */
  sdk?: SdkAsset;
  /** A website to serve from this listener (the demo clinic). */
  siteDir?: string;
}

const SINGLE_ROUTES: MessageType[] = ['track', 'identify', 'page', 'screen', 'group', 'alias'];

export async function buildIngestServer(options: IngestServerOptions): Promise<FastifyInstance> {
  const { store, metrics } = options;
  const recent = new RecentMessages();
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    // Per-request log lines cost throughput and say nothing a metric does not; for the same
    // reason requests log through the relay's logger itself, not a child made for each request.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: (logger) => logger,
    // No framework JSON parsing: bodies are parsed once, with our limits, in the handler.
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', 'text/plain', 'application/csp-report', 'application/reports+json'], { parseAs: 'string' }, (_req, body, done) => done(null, body));

  await app.register(cors, {
    origin: (origin, cb) => cb(null, origin !== undefined && options.state().allowedOrigins.has(origin)),
    methods: ['POST', 'GET', 'OPTIONS'],
    allowedHeaders: ['content-type', 'authorization'],
    maxAge: 86_400,
  });

  app.setErrorHandler((error: { code?: string; statusCode?: number }, _request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send(apiError('payload_too_large', `the body is larger than ${BODY_LIMIT_BYTES / 1024} KB`));
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reply.code(415).send(apiError('unsupported_media_type', 'send application/json or text/plain'));
    if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error.statusCode === 400) return reply.code(400).send(apiError('invalid_body', 'the request body is missing or malformed'));
    options.logger.error({ code: error.code }, 'unhandled error');
    return reply.code(500).send(apiError('internal', 'internal error'));
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send(apiError('not_found', 'no such route')));

  async function ingest(request: FastifyRequest, reply: FastifyReply, type: MessageType | undefined) {
    const parsed = parseBody(typeof request.body === 'string' ? request.body : '');
    if (!parsed.ok) return reply.code(400).send(apiError('invalid_body', parsed.message));
    const state = options.state();
    const writeKey = writeKeyFrom(request.headers.authorization, parsed.value);
    const found = writeKey === undefined ? undefined : state.environments.get(writeKey);
    if (!found) return reply.code(401).send(apiError('unauthorized', 'unknown or missing write key'));
    const origin = request.headers.origin;
    if (origin !== undefined && !found.env.allowedOrigins.includes(origin)) {
      return reply.code(403).send(apiError('origin_not_allowed', 'this origin is not in allowedOrigins of the write key\'s environment'));
    }

    let raw: unknown[];
    let defaults: Parameters<typeof validateMessages>[1] = {};
    if (type === undefined) {
      const envelope = batchEnvelopeSchema.safeParse(parsed.value);
      if (!envelope.success) {
        const p = problemsFrom(envelope.error)[0]!;
        return reply.code(400).send(apiError('invalid_body', p.message, p.path || undefined));
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
    // A resent message already accepted (or being committed by a concurrent request: a browser's
    // page-hide send racing the next page's flush) is acknowledged again, not queued twice.
    const seen = new Set<string>();
    const fresh = messages.filter((m) => {
      const id = m.messageId!;
      if (seen.has(id) || recent.has(found.name, id)) return false;
      seen.add(id);
      return true;
    });
    metrics.messages.inc({ outcome: 'accepted' }, fresh.length);
    metrics.messages.inc({ outcome: 'duplicate' }, messages.length - fresh.length);

    const receivedAt = new Date().toISOString();
    const { rows, queued, dropped } = toOutbox(fresh, state.destinations, found.name, state.keepQueryParams, receivedAt);
    for (const m of fresh) recent.add(found.name, m.messageId!);
    try {
      await store.enqueue(rows);
    } catch (error) {
      for (const m of fresh) recent.delete(found.name, m.messageId!);
      options.logger.error({ err: { message: (error as Error).message } }, 'outbox commit failed');
      return reply.code(503).send(apiError('store_unavailable', 'events could not be stored; retry later'));
    }
    const sightings = browserSightings(fresh);
    if (sightings.length > 0) {
      // The inventory is not part of the acknowledgement: a failed write is logged, not fatal.
      store.recordTrackers(sightings, Date.now()).catch((error: Error) => options.logger.warn({ err: { message: error.message } }, 'tracker inventory write failed'));
    }
    for (const [destination, n] of queued) metrics.pipeline.inc({ destination, outcome: 'queued', reason: '' }, n);
    for (const [destination, reasons] of dropped) {
      for (const [reason, n] of reasons) metrics.pipeline.inc({ destination, outcome: 'dropped', reason }, n);
    }
    options.onCommitted(new Set(queued.keys()));
    return reply.code(200).send({ accepted: messages.length, rejected });
  }

  app.post('/v1/batch', (request, reply) => ingest(request, reply, undefined));
  app.post('/v1/import', (request, reply) => ingest(request, reply, undefined));
  for (const type of SINGLE_ROUTES) app.post(`/v1/${type}`, (request, reply) => ingest(request, reply, type));

  // CSP violation reports (report-uri and Reporting API) feed the tracker inventory.
  app.post(CSP_REPORT_PATH, async (request, reply) => {
    const parsed = parseBody(typeof request.body === 'string' ? request.body : '');
    const sightings = parsed.ok ? parseViolationReports(parsed.value) : undefined;
    if (sightings === undefined) return reply.code(400).send(apiError('invalid_report', 'not a CSP violation report'));
    metrics.cspReports.inc({}, sightings.length);
    try {
      await store.recordTrackers(sightings, Date.now());
    } catch (error) {
      options.logger.error({ err: { message: (error as Error).message } }, 'tracker inventory write failed');
      return reply.code(503).send(apiError('store_unavailable', 'report not stored'));
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

  if (options.siteDir) {
    await serveSite(app, options.siteDir, cspHeaders(options.state().config.browser));
  }

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await store.ping();
      return { status: 'ready' };
    } catch {
      return reply.code(503).send(apiError('not_ready', 'the store is not writable'));
    }
  });
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  return app;
}
