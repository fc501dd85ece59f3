import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSite } from './serve-site.js';

const root = mkdtempSync(join(tmpdir(), 'palisade-site-'));
const app = Fastify();

beforeAll(async () => {
  writeFileSync(join(root, 'portal.html'), '<h1>sign in</h1>');
  writeFileSync(join(root, 'portal-home.html'), '<h1>your results</h1>');
  await serveSite(app, root, { signIn: { form: 'portal', pages: ['portal-home'] } });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  rmSync(root, { recursive: true, force: true });
});

describe('pages behind the sign-in', () => {
  it('redirect to the sign-in form without a session, however the path is spelled', async () => {
    for (const url of ['/portal-home.html', '/portal-home', '/portal%2Dhome.html', '/%70ortal-home', '/portal-home.html?x=1']) {
      for (const method of ['GET', 'HEAD'] as const) {
        const r = await app.inject({ method, url });
        expect({ url, method, status: r.statusCode, location: r.headers.location }).toEqual({ url, method, status: 303, location: '/portal.html' });
      }
    }
    const forged = await app.inject({ url: '/portal-home.html', headers: { cookie: 'demo_session=guessed' } });
    expect(forged.statusCode).toBe(303);
  });

  it('are served after a sign-in sets the session cookie; other pages need none', async () => {
    const signIn = await app.inject({
      method: 'POST',
      url: '/demo/portal-home',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'username=a&password=b',
    });
    expect(signIn.statusCode).toBe(303);
    const cookie = String(signIn.headers['set-cookie']);
    expect(cookie).toMatch(/^demo_session=[\w-]{32}; Path=\/; HttpOnly; SameSite=Lax$/);
    const home = await app.inject({ url: '/portal-home.html', headers: { cookie: `other=1; ${cookie.split(';')[0]}` } });
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('your results');
    expect((await app.inject({ url: '/portal.html' })).statusCode).toBe(200);
  });
});
