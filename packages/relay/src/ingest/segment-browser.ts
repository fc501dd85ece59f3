/**
 * Segment's browser library (`@segment/analytics-next`) pointed at the relay, unchanged:
 * `AnalyticsBrowser.load({ writeKey, cdnURL: 'https://relay.example' })` reads its settings from
 * `/v1/projects/:writeKey/settings`, which names the relay as the only place to send events (no
 * device-mode integration, no remote metrics, so it loads no third-party code), and then posts
 * each call to `/v1/<first letter of its type>` (`t`, `i`, `p`, `g`, `a`, `s`) with the write key
 * in the body. Those paths are the relay's single-call routes under another name.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MessageType } from '@palisade/schema';
import { sendError } from '../http-errors.js';
import type { IngestState } from '../server.js';

export const SEGMENT_PATHS: Record<string, MessageType> = { t: 'track', i: 'identify', p: 'page', g: 'group', a: 'alias', s: 'screen' };

/**
 * The origin the page reaches the relay at: the configured `browser.relayOrigin` (a relay on its
 * own origin), else the request's own origin when the config lists it among the site's origins
 * (a relay behind the site's reverse proxy). Never an unlisted Host header: a forged one must
 * not be written into a response.
 */
function relayOriginFor(request: FastifyRequest, state: IngestState): string | undefined {
  const configured = state.config.browser.relayOrigin;
  if (configured) return configured;
  const own = `${request.protocol}://${request.host}`;
  return state.allowedOrigins.has(own) ? own : undefined;
}

export function registerSegmentBrowserRoutes(app: FastifyInstance, state: () => IngestState): void {
  app.get('/v1/projects/:writeKey/settings', async (request, reply) => {
    const { writeKey } = request.params as { writeKey: string };
    const current = state();
    if (!current.environments.has(writeKey)) return sendError(reply, 'not_found', 'no such write key');
    const origin = relayOriginFor(request, current);
    if (!origin) return sendError(reply, 'not_found', 'set browser.relayOrigin, or list this site among allowedOrigins');
    const url = new URL(origin);
    const apiHost = `${url.host}/v1`;
    reply.header('cache-control', 'no-store');
    return {
      integrations: { 'Segment.io': { apiKey: writeKey, apiHost, protocol: url.protocol.slice(0, -1), unbundledIntegrations: [], addBundledMetadata: false } },
      plan: { track: { __default: { enabled: true } }, identify: { __default: { enabled: true } }, group: { __default: { enabled: true } } },
      enabledMiddleware: {},
      metrics: { sampleRate: 0, host: apiHost },
      remotePlugins: [],
    };
  });
}
