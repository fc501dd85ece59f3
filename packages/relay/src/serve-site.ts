/**
 * Serves a website from the relay's public listener (the demo clinic in `palisade start`), with
 * the Content-Security-Policy built from the config on every page:
 * static files, `/find-a-doctor/<specialty>` (its single-page section), and `POST /demo/<page>`,
 * which answers like a form handler: 303 to `/<page>.html`.
 * Form bodies are discarded unread (up to 64 KB): the demo needs the navigation, not the data.
 *
 * What is never served, whatever the request looks like (404, never 500):
 *  - dotfiles and dot directories (`.palisade/dev-keys.json`, `.env`, `.git/`);
 *  - anything whose real path leaves the root (symlinks) or lies in a hidden path (the data
 *    directory, key files, the config file the relay runs with);
 *  - Palisade config files and SQLite databases by name, wherever they are.
 */
import { randomBytes } from 'node:crypto';
import { lstatSync, realpathSync } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendError } from './http-errors.js';
import type { CspHeaders } from './csp/build-policy.js';
import { markInlineScripts, newNonce } from './csp/script-nonce.js';

const FORM_LIMIT_BYTES = 64 * 1024;
const NEVER_BY_NAME = /^palisade\.config\.|^dev-keys\.json$|\.(?:db|db-wal|db-shm|db-journal|sqlite|sqlite3|pem|key)$/i;

export interface SiteOptions {
  /** Paths that must never be served even if they sit under the root. */
  hidden?: string[];
  csp?: CspHeaders;
  /** Origins a response may name (Reporting-Endpoints); never the request's own Host header. */
  allowedOrigins?: () => ReadonlySet<string>;
  signIn?: SiteSignIn;
}

/**
 * Pages behind a sign-in, as a patient portal is (the demo's): `POST /demo/<page>` for one of
 * `pages` signs the visitor in (any username and password: it is a demo) with a session cookie;
 * without it, those pages redirect to `form`, the page with the sign-in form. Sessions live in
 * memory (the newest 10,000).
 */
export interface SiteSignIn {
  form: string;
  pages: string[];
}

const SESSION_COOKIE = 'demo_session';
const MAX_SESSIONS = 10_000;

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * `/portal-home.html`, `/portal-home` -> `portal-home`, decoded once as the static handler decodes
 * it (`/portal%2Dhome.html` is the same file). A path that does not decode is refused by that
 * handler anyway; here it names no page.
 */
function pageOf(url: string): string {
  let path: string;
  try {
    path = decodeURIComponent(url.split('?')[0] ?? '');
  } catch {
    return '';
  }
  return path.replace(/^\/+/, '').replace(/\.html$/, '');
}

function real(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

const within = (path: string, dir: string) => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

/** Refuses a site root that holds the data directory or a key file (compared by real path). */
export function checkSiteRoot(siteDir: string, dataDir: string, secretFiles: string[] = []): void {
  const root = real(siteDir) ?? resolve(siteDir);
  const at = (path: string) => real(path) ?? resolve(path);
  if (within(at(dataDir), root)) {
    throw new Error(`refusing to serve ${siteDir}: the data directory ${dataDir} lies inside it (use --data-dir outside the site)`);
  }
  for (const file of secretFiles) {
    if (within(at(file), root)) throw new Error(`refusing to serve ${siteDir}: the key file ${file} lies inside it`);
  }
}

/**
 * Decides, from the URL path as the static handler decoded it (decoded once, exactly as it will
 * open the file: decoding again would check another file than the one served), whether a request
 * may be answered from `root`.
 */
export function sitePathGuard(root: string, hidden: string[] = []): (pathname: string) => boolean {
  const realRoot = real(root) ?? root;
  const hiddenReal = hidden.map((h) => real(h) ?? h);
  return (decoded) => {
    if (decoded.includes('\0') || decoded.includes('\\')) return false;
    const segments = decoded.split('/');
    if (segments.some((s) => s.startsWith('.'))) return false;
    if (NEVER_BY_NAME.test(basename(decoded))) return false;
    // Every file the static handler could pick for this path (as is, with .html, index.html).
    const base = join(realRoot, decoded);
    for (const candidate of [base, `${base}.html`, join(base, 'index.html')]) {
      try {
        lstatSync(candidate);
      } catch {
        continue;
      }
      const target = real(candidate);
      if (target === undefined || !within(target, realRoot)) return false;
      if (hiddenReal.some((h) => within(target, h))) return false;
      if (NEVER_BY_NAME.test(basename(target))) return false;
    }
    return true;
  };
}

/** Largest HTML page read into memory to mark its inline scripts (the site's pages are small). */
const MAX_HTML_BYTES = 2 * 1024 * 1024;

async function readAll(payload: unknown): Promise<string | undefined> {
  if (typeof payload === 'string') return payload;
  if (Buffer.isBuffer(payload)) return payload.toString('utf8');
  if (!payload || typeof (payload as AsyncIterable<Buffer>)[Symbol.asyncIterator] !== 'function') return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of payload as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_HTML_BYTES) return undefined;
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

const SITE_ROUTE = 'palisadeSite';

/** Whether the request was routed to the site (which gets the site's policy, not the relay's). */
export function isSiteRoute(request: FastifyRequest): boolean {
  return (request.routeOptions.config as unknown as Record<string, unknown> | undefined)?.[SITE_ROUTE] === true;
}

/**
 * Serves `root`. With a CSP, every response carries it (a frame can render an SVG, XML or text
 * file as well as a page), and each HTML page gets a fresh nonce on its inline scripts, which the
 * policy allows instead of `'unsafe-inline'`.
 */
export async function serveSite(app: FastifyInstance, root: string, options: SiteOptions = {}): Promise<void> {
  const { csp } = options;
  const allowed = sitePathGuard(root, options.hidden);
  await app.register(async (site) => {
    site.addHook('onRoute', (route) => {
      route.config = { ...(route.config as object), [SITE_ROUTE]: true };
    });
    if (csp) {
      site.addHook('onSend', async (request, reply, payload) => {
        const html = String(reply.getHeader('content-type') ?? '').startsWith('text/html');
        let body = payload;
        let policy = csp.value;
        if (html && csp.inlineScripts && reply.statusCode === 200) {
          const text = await readAll(payload);
          if (text !== undefined) {
            const nonce = newNonce();
            body = markInlineScripts(text, nonce);
            policy = csp.withNonce(nonce);
            // A nonce is for one response: no validator may let a cache pair this body with another policy.
            reply.removeHeader('etag');
            reply.removeHeader('last-modified');
            reply.header('cache-control', 'no-store');
            reply.header('content-length', Buffer.byteLength(body as string));
          }
        }
        reply.header(csp.name, policy);
        if (html) {
          // The page's origin is named only when the config names it: a forged Host header is
          // never written back into a response.
          const pageOrigin = `${request.protocol}://${request.host}`;
          const endpoints = csp.reportingEndpoints(options.allowedOrigins?.().has(pageOrigin) ? pageOrigin : undefined);
          if (endpoints) reply.header('reporting-endpoints', endpoints);
        }
        return body;
      });
    }
    site.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
      const status = error.statusCode ?? 500;
      if (status === 413) return sendError(reply, 'payload_too_large', 'form body too large');
      // Malformed or refused paths are simply not found; nothing about the file system leaks.
      return status >= 500 ? sendError(reply, 'internal', 'internal error') : sendError(reply, 'not_found', 'no such page');
    });
    site.addContentTypeParser(['application/x-www-form-urlencoded', 'multipart/form-data'], (request, payload, done) => {
      if (Number(request.headers['content-length']) > FORM_LIMIT_BYTES) {
        done(Object.assign(new Error('form body too large'), { statusCode: 413 }), undefined);
        return;
      }
      let size = 0;
      let finished = false;
      payload.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > FORM_LIMIT_BYTES && !finished) {
          finished = true;
          done(Object.assign(new Error('form body too large'), { statusCode: 413 }), undefined);
        }
      });
      payload.on('end', () => {
        if (!finished) done(null, undefined);
      });
      payload.on('error', (error: Error) => {
        if (!finished) done(Object.assign(error, { statusCode: 400 }), undefined);
      });
    });
    const signIn = options.signIn;
    const sessions = new Set<string>();
    if (signIn) {
      site.addHook('onRequest', async (request, reply) => {
        if ((request.method !== 'GET' && request.method !== 'HEAD') || !signIn.pages.includes(pageOf(request.url))) return;
        const session = cookieValue(request.headers.cookie, SESSION_COOKIE);
        if (session === undefined || !sessions.has(session)) return reply.code(303).header('location', `/${signIn.form}.html`).send();
      });
    }
    site.post('/demo/:page', async (request, reply) => {
      const { page } = request.params as { page: string };
      if (!/^[a-z][a-z-]{0,40}$/.test(page)) return sendError(reply, 'not_found', 'no such page');
      if (signIn?.pages.includes(page)) {
        const session = randomBytes(24).toString('base64url');
        sessions.add(session);
        if (sessions.size > MAX_SESSIONS) sessions.delete(sessions.values().next().value!);
        reply.header('set-cookie', `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Lax`);
      }
      return reply.code(303).header('location', `/${page}.html`).send();
    });
    await site.register(fastifyStatic, {
      root,
      index: 'index.html',
      extensions: ['html'],
      cacheControl: false,
      etag: true,
      dotfiles: 'ignore',
      allowedPath: (pathname) => allowed(pathname),
    });
    // The site's single-page section: a reload of /find-a-doctor/<specialty> gets the same page.
    site.get('/find-a-doctor/:specialty', (_request, reply) => reply.sendFile('find-a-doctor.html'));
  });
}
