/** The relay process serves the built SDK with validators and a content-addressed URL. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROOT, startE2eStack, type E2eStack, type RelayProcess } from './helpers/processes.js';

let stack: E2eStack;
let relay: RelayProcess;

beforeAll(async () => {
  stack = await startE2eStack();
  ({ relay } = stack);
});
afterAll(() => stack.stop());

it('serves /palisade.js with an ETag and the same bytes under an immutable hashed URL', async () => {
  // The relay writes the config's browser allowlist (empty here) where the build left a placeholder.
  const built = Buffer.from(readFileSync(join(ROOT, 'packages/sdk/dist/palisade.js'), 'utf8').replace('__PALISADE_BROWSER_CONFIG__', '{\\"allow\\":[],\\"embeds\\":[]}'));
  expect(built.toString()).toContain('{\\"allow\\":[],\\"embeds\\":[]}');
  const r = await fetch(`${relay.url}/palisade.js`);
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
  expect(r.headers.get('cache-control')).toBe('public, max-age=300, must-revalidate');
  expect(Buffer.from(await r.arrayBuffer()).equals(built)).toBe(true);
  const etag = r.headers.get('etag')!;
  expect((await fetch(`${relay.url}/palisade.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
  const hashed = r.headers.get('x-palisade-sdk')!;
  expect(hashed).toMatch(/^\/palisade\.[0-9a-f]{12}\.js$/);
  const immutable = await fetch(`${relay.url}${hashed}`);
  expect(immutable.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  expect(Buffer.from(await immutable.arrayBuffer()).equals(built)).toBe(true);
  expect((await fetch(`${relay.url}/palisade.000000000000.js`)).status).toBe(404);
});
