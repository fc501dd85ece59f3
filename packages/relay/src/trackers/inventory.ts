/**
 * The tracker inventory: what the site's pages tried to load from third parties, from CSP
 * violation reports and the SDK's guard (`$blocked` events), recorded by origin, kind and page
 * template. Each client adds a bounded number of sightings per minute, so junk reports cannot
 * crowd the inventory; the rest are counted only. Parsing (violation-report.ts,
 * browser-sightings.ts), vendor names (vendor-name.ts) and page templates (page-template.ts) live
 * beside this file; the store keeps the rows (TrackerStore).
 */
import type { FastifyInstance } from 'fastify';
import { CSP_REPORT_PATH } from '../csp/build-policy.js';
import { sendError } from '../http-errors.js';
import { messageProblem, parseBody } from '../ingest/parse-body.js';
import type { Logger } from '../log.js';
import type { RelayMetrics } from '../metrics.js';
import type { Store, TrackerSighting } from '../store/store.js';
import { ClientRateLimit } from './client-rate-limit.js';
import { parseViolationReports } from './violation-report.js';

export class TrackerInventory {
  readonly #limit: ClientRateLimit;

  constructor(
    private readonly store: Pick<Store, 'recordTrackers'>,
    private readonly metrics: RelayMetrics,
    private readonly logger: Logger,
    sightingsPerMinute: number,
  ) {
    this.#limit = new ClientRateLimit(sightingsPerMinute, 60_000);
  }

  /**
   * Records what this client may add this minute. The inventory is not part of any
   * acknowledgement: a failed write rejects only for a report (`fromReport`), and is logged otherwise.
   */
  record(client: string, sightings: TrackerSighting[], fromReport: boolean): Promise<void> {
    const allowed = sightings.slice(0, this.#limit.take(client, sightings.length));
    if (allowed.length < sightings.length) this.metrics.sightingsLimited.inc({}, sightings.length - allowed.length);
    if (allowed.length === 0) return Promise.resolve();
    const write = this.store.recordTrackers(allowed, Date.now());
    if (fromReport) return write;
    return write.catch((error: Error) => this.logger.warn({ err: { message: error.message } }, 'tracker inventory write failed'));
  }
}

/** CSP violation reports (report-uri and the Reporting API) feed the inventory. */
export function registerReportRoute(app: FastifyInstance, inventory: TrackerInventory, metrics: RelayMetrics, logger: Logger): void {
  app.post(CSP_REPORT_PATH, async (request, reply) => {
    const parsed = parseBody(typeof request.body === 'string' ? request.body : '');
    const sightings = parsed.ok && messageProblem(parsed.value) === undefined ? parseViolationReports(parsed.value) : undefined;
    if (sightings === undefined) return sendError(reply, 'invalid_report', 'not a CSP violation report');
    metrics.cspReports.inc({}, sightings.length);
    try {
      await inventory.record(request.ip, sightings, true);
    } catch (error) {
      logger.error({ err: { message: (error as Error).message } }, 'tracker inventory write failed');
      return sendError(reply, 'store_unavailable', 'report not stored');
    }
    return reply.code(204).send();
  });
}
