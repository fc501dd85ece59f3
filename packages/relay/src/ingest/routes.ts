/**
 * The Segment-compatible tracking routes: a body in, validated messages out to the pipeline's
 * fan-out, the rows committed, and only then an answer. `POST /v1/batch` (and `/v1/import`) and
 * one route per message type.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { batchEnvelopeSchema, problemsFrom, type Message, type MessageType } from '@palisade/schema';
import { sendError } from '../http-errors.js';
import type { Logger } from '../log.js';
import type { RelayMetrics } from '../metrics.js';
import { toOutbox } from '../pipeline/fan-out.js';
import { correctedTimestamp } from '../pipeline/transform.js';
import type { IngestState } from '../server.js';
import type { Store } from '../store/store.js';
import { browserSightings } from '../trackers/browser-sightings.js';
import type { TrackerInventory } from '../trackers/inventory.js';
import { envelopeProblem, parseBody } from './parse-body.js';
import { RecentMessages } from './recent-messages.js';
import type { RecentAutotrack } from './recent-autotrack.js';
import { withDefinitions } from '../pipeline/definitions.js';
import { registerSegmentBrowserRoutes, SEGMENT_PATHS } from './segment-browser.js';
import { applyGpc, validateMessages } from './validate-messages.js';
import { writeKeyFrom } from './write-key.js';

const SINGLE_ROUTES: MessageType[] = ['track', 'identify', 'page', 'screen', 'group', 'alias'];

export interface IngestRouteOptions {
  state: () => IngestState;
  store: Store;
  metrics: RelayMetrics;
  logger: Logger;
  /** Called after rows were committed, so delivery starts without waiting for a poll. */
  onCommitted: (destinationIds: Set<string>) => void;
  inventory: TrackerInventory;
  /**
   * The demo only (`palisade start`): each accepted message as the client sent it, with the
   * timestamp the pipeline gave it, so the vendor sandbox can show it beside what vendors got. It
   * runs in this process and keeps nothing; a production relay never sets it.
   */
  observeAccepted?: (accepted: AcceptedMessage[]) => void;
  /** The latest autotrack events, for `palisade definitions test` (only with an admin token). */
  autotrack?: RecentAutotrack;
}

/** A message as received, and the timestamp every destination's copy of it carries. */
export interface AcceptedMessage {
  environment: string;
  message: Message;
  timestamp: string;
}

export function registerIngestRoutes(app: FastifyInstance, options: IngestRouteOptions): void {
  const { store, metrics } = options;
  const recent = new RecentMessages();
  /** Environments that have had events from a browser since start: the first ones are logged, to show a site is wired up. */
  const heardFromBrowser = new Set<string>();

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
    // The browser's Global Privacy Control header holds for every message it carried, whatever
    // the client library put in the body (Segment's libraries know nothing of GPC).
    if (request.headers['sec-gpc'] === '1') for (const m of messages) applyGpc(m);
    metrics.messages.inc({ outcome: 'rejected' }, rejected.length);
    if (messages.length === 0) return reply.code(400).send({ accepted: 0, rejected });
    const fresh = await unseen(found.name, messages);
    metrics.messages.inc({ outcome: 'accepted' }, fresh.length);
    metrics.messages.inc({ outcome: 'duplicate' }, messages.length - fresh.length);

    const receivedAt = new Date().toISOString();
    // Named events from definitions travel beside the messages they came from; a resend of the
    // original is caught above, so its named events are not made twice either.
    const expanded = withDefinitions(fresh, state.definitions);
    const { rows, queued, dropped, refused } = toOutbox(expanded, state.destinations, found.name, found.rules, receivedAt);
    const commit = store.enqueue(rows);
    recent.track(found.name, fresh.map(dedupId), commit);
    try {
      await commit;
    } catch (error) {
      options.logger.error({ err: { message: (error as Error).message } }, 'outbox commit failed');
      return sendError(reply, 'store_unavailable', 'events could not be stored; retry later');
    }
    const sightings = browserSightings(fresh);
    if (sightings.length > 0) void options.inventory.record(request.ip, sightings, false);
    for (const [destination, n] of queued) metrics.pipeline.inc({ destination, outcome: 'queued', reason: '' }, n);
    for (const [destination, reasons] of dropped) {
      for (const [reason, n] of reasons) metrics.pipeline.inc({ destination, outcome: 'dropped', reason }, n);
    }
    for (const [destination, reasons] of refused) {
      for (const [reason, n] of reasons) metrics.refusedValues.inc({ destination, reason }, n);
    }
    options.onCommitted(new Set(queued.keys()));
    options.autotrack?.record(found.name, fresh);
    options.observeAccepted?.(expanded.map((message) => ({ environment: found.name, message, timestamp: correctedTimestamp(message, receivedAt) })));
    // The origin is one the config lists (checked above), so it is safe to log.
    if (origin !== undefined && !heardFromBrowser.has(found.name)) {
      heardFromBrowser.add(found.name);
      options.logger.info({ environment: found.name, origin, events: fresh.length }, 'first events from a browser');
    }
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

  app.post('/v1/batch', (request, reply) => ingest(request, reply, undefined));
  app.post('/v1/import', (request, reply) => ingest(request, reply, undefined));
  for (const type of SINGLE_ROUTES) app.post(`/v1/${type}`, (request, reply) => ingest(request, reply, type));
  // Segment's browser library posts each call to the first letter of its type, and a batch to
  // `b` (segment-browser.ts).
  for (const [path, type] of Object.entries(SEGMENT_PATHS)) app.post(`/v1/${path}`, (request, reply) => ingest(request, reply, type));
  app.post('/v1/b', (request, reply) => ingest(request, reply, undefined));
  registerSegmentBrowserRoutes(app, options.state);
}
