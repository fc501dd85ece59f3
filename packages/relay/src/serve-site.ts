/**
 * Serves a website from the relay's public listener (the demo clinic in `palisade start`), with
 * the Content-Security-Policy built from the config on every page:
 * static files, `/find-a-doctor/<specialty>` (its single-page section), and `POST /demo/<page>`,
 * which answers like a form handler: 303 to `/<page>.html`.
 * Form bodies are discarded unread: the demo needs the navigation, not the data.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { apiError } from '@palisade/schema';
import type { CspHeaders } from './csp/build-policy.js';

/** Serves `root`; HTML responses carry the site's Content-Security-Policy when one is given. */
export async function serveSite(app: FastifyInstance, root: string, csp?: CspHeaders): Promise<void> {
  await app.register(async (site) => {
    if (csp) {
      site.addHook('onSend', async (request, reply, payload) => {
        if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
          reply.header(csp.name, csp.value);
          const endpoints = csp.reportingEndpoints(`${request.protocol}://${request.host}`);
          if (endpoints) reply.header('reporting-endpoints', endpoints);
        }
        return payload;
      });
    }
    site.addContentTypeParser(['application/x-www-form-urlencoded', 'multipart/form-data'], (_req, payload, done) => {
      payload.resume();
      payload.on('end', () => done(null, undefined));
      payload.on('error', done);
    });
    site.post('/demo/:page', async (request, reply) => {
      const { page } = request.params as { page: string };
      if (!/^[a-z][a-z-]{0,40}$/.test(page)) return reply.code(404).send(apiError('not_found', 'no such page'));
      return reply.code(303).header('location', `/${page}.html`).send();
    });
    await site.register(fastifyStatic, { root, index: 'index.html', extensions: ['html'], cacheControl: false, etag: true });
    // The site's single-page section: a reload of /find-a-doctor/<specialty> gets the same page.
    site.get('/find-a-doctor/:specialty', (_request, reply) => reply.sendFile('find-a-doctor.html'));
  });
}
