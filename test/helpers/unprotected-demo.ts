/**
 * The demo clinic as it was before Palisade: the same pages with the Palisade tag stripped and no
 * Content-Security-Policy, plus a small script that does what pixels with automatic advanced
 * matching do (the real pixel code cannot load here, without the internet): on a form submit it
 * sends what was typed to Meta (SHA-256, as `ud[em]`/`ud[ph]`) and to GA4 (as user data).
 * Served on loopback by a plain Node server; the scanner is what is under test.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { ROOT } from './processes.js';

const SITE = join(ROOT, 'demo-site');

export const LEAKY_PIXELS = `(function () {
  function sha256(s) {
    return crypto.subtle.digest('SHA-256', new TextEncoder().encode(s)).then(function (b) {
      return Array.from(new Uint8Array(b)).map(function (x) { return x.toString(16).padStart(2, '0'); }).join('');
    });
  }
  document.addEventListener('submit', function (e) {
    var form = e.target, email = '', phone = '', name = '';
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i], k = (el.name || '') + ' ' + (el.type || '');
      if (/email/.test(k)) email = el.value.trim().toLowerCase();
      else if (/tel|phone/.test(k)) phone = el.value.replace(/[^0-9]/g, '');
      else if (/name/.test(k) && !name) name = el.value.trim().toLowerCase();
    }
    Promise.all([sha256(email), sha256(phone)]).then(function (h) {
      new Image().src = 'https://www.facebook.com/tr?id=914305718822301&ev=Lead&ud[em]=' + h[0] + '&ud[ph]=' + h[1];
      navigator.sendBeacon('https://region1.google-analytics.com/g/collect?v=2&tid=G-8Q1ZT4RM2C&en=generate_lead',
        'en=generate_lead&ep.patient_name=' + encodeURIComponent(name) + '&em=' + h[0]);
    });
  }, true);
})();`;

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };

/** The page as served without Palisade: no tag, the leaky pixels script first in `<head>`. */
export function unprotectedPage(html: string): string {
  return html.replace(/<script src="\/palisade\.js"[^>]*><\/script>\n?/, '').replace('<head>', '<head>\n<script src="/fixture/leaky-pixels.js"></script>');
}

export async function startUnprotectedDemo(): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'POST' && url.pathname.startsWith('/demo/')) {
      req.resume();
      req.on('end', () => res.writeHead(303, { location: `/${url.pathname.slice(6)}.html` }).end());
      return;
    }
    if (url.pathname === '/fixture/leaky-pixels.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(LEAKY_PIXELS);
    let path = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '');
    if (path === '/') path = '/index.html';
    if (path.startsWith('/find-a-doctor/')) path = '/find-a-doctor.html';
    if (!extname(path)) path += '.html';
    let body: Buffer | string;
    try {
      body = readFileSync(join(SITE, path));
    } catch {
      return void res.writeHead(404).end('not found');
    }
    if (path.endsWith('.yaml')) return void res.writeHead(404).end('not found');
    const type = TYPES[extname(path)] ?? 'application/octet-stream';
    if (path.endsWith('.html')) body = unprotectedPage(body.toString('utf8'));
    res.writeHead(200, { 'content-type': type }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, server, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
