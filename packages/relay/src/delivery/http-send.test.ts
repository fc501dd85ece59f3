/** The delivery HTTP client against real local servers: deadline, proxy, bounded answers, errors. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpSend, NetworkError, vendorDispatcher } from './http-send.js';

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const post = (url: string) => ({ url, method: 'POST' as const, headers: { 'content-type': 'application/json' }, body: '{"a":1}' });

describe('httpSend', () => {
  it('answers with the status, headers and body', async () => {
    const url = await serve((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(429, { 'retry-after': '7' }).end('slow down'));
    });
    const send = createHttpSend();
    expect(await send(post(`${url}/x`), 2000)).toMatchObject({ status: 429, headers: { 'retry-after': '7' }, body: 'slow down' });
  });

  it('gives up at the deadline even while a vendor keeps trickling its answer', async () => {
    const url = await serve((req, res) => {
      req.resume();
      res.writeHead(200);
      // One byte every 100 ms: an idle timeout would never fire.
      const timer = setInterval(() => res.write('x'), 100);
      res.on('close', () => clearInterval(timer));
    });
    const started = Date.now();
    await expect(createHttpSend()(post(`${url}/x`), 500)).rejects.toEqual(new NetworkError('timeout'));
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('keeps only the first 64 KB of an answer', async () => {
    const url = await serve((req, res) => {
      req.resume();
      res.writeHead(400).end('e'.repeat(1024 * 1024));
    });
    const answer = await createHttpSend()(post(`${url}/x`), 2000);
    expect(answer.status).toBe(400);
    expect(answer.body.length).toBe(64 * 1024);
  });

  it('goes through the proxy the standard variables name', async () => {
    const vendor = await serve((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    });
    // A tunnelling proxy (HTTP CONNECT) that records where it was asked to connect, and stands in
    // for DNS: every tunnel leads to the local vendor.
    const tunnels: string[] = [];
    const proxy = createServer();
    servers.push(proxy);
    proxy.on('connect', (req: IncomingMessage, client: import('node:net').Socket) => {
      tunnels.push(req.url ?? '');
      const { port } = new URL(vendor);
      const upstream = connect(Number(port), '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const send = createHttpSend(vendorDispatcher({ HTTP_PROXY: proxyUrl, NO_PROXY: 'exempt.example' }));
    expect((await send(post('http://vendor.example/mp/collect'), 2000)).status).toBe(204);
    expect(tunnels).toEqual(['vendor.example:80']);
  });

  it('reports a refused connection by its code, never the URL', async () => {
    const url = await serve(() => undefined);
    servers.pop()!.close();
    await new Promise((r) => setTimeout(r, 50));
    const error = await createHttpSend()(post(`${url}/x?api_secret=sekrit`), 2000).catch((e: Error) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/^network: /);
    expect((error as Error).message).not.toContain('sekrit');
  });
});
