/**
 * The one place that talks to vendors, over undici: a connection pool per vendor origin (kept
 * alive), a real overall deadline per request (headers and body together, not an idle timer),
 * and the standard proxy variables (HTTP_PROXY, HTTPS_PROXY, NO_PROXY). Errors carry a short
 * code, never the URL (it may hold a secret, as GA4's api_secret does).
 */
import { Agent, type Dispatcher, EnvHttpProxyAgent, request } from 'undici';
import type { OutboundRequest, VendorResponse } from '../destinations/connector.js';

export type Send = (request: OutboundRequest, timeoutMs: number) => Promise<VendorResponse>;

export class NetworkError extends Error {
  constructor(readonly code: string) {
    super(`network: ${code}`);
  }
}

/** Vendor responses are only classified: a short prefix of the body is plenty. */
const MAX_RESPONSE_BYTES = 64 * 1024;

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy'];

/**
 * At most 16 connections per vendor origin, kept alive. Through the proxy the standard variables
 * name, when one is set (NO_PROXY exempts hosts); directly otherwise, which skips the proxy
 * agent's per-request checks.
 */
export function vendorDispatcher(env: Record<string, string | undefined> = process.env): Dispatcher {
  const options = { connections: 16, keepAliveTimeout: 10_000 };
  if (!PROXY_VARIABLES.some((name) => env[name])) return new Agent(options);
  const proxies: Record<string, string> = {};
  const httpProxy = env.HTTP_PROXY ?? env.http_proxy;
  const httpsProxy = env.HTTPS_PROXY ?? env.https_proxy;
  const noProxy = env.NO_PROXY ?? env.no_proxy;
  if (httpProxy) proxies.httpProxy = httpProxy;
  if (httpsProxy) proxies.httpsProxy = httpsProxy;
  if (noProxy) proxies.noProxy = noProxy;
  return new EnvHttpProxyAgent({ ...options, ...proxies });
}

async function readBounded(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= MAX_RESPONSE_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, MAX_RESPONSE_BYTES);
}

export function createHttpSend(dispatcher: Dispatcher = vendorDispatcher()): Send {
  return async (outbound, timeoutMs) => {
    // The deadline covers the whole exchange: connecting, headers and a body that trickles in.
    // (An AbortSignal per request costs undici about a third of its throughput; a timer does not.)
    // When it passes, the caller moves on and the body is dropped; undici's own header and body
    // timeouts free the connection.
    let response: Dispatcher.ResponseData | undefined;
    let timer: NodeJS.Timeout | undefined;
    let late = false;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        late = true;
        response?.body.destroy();
        reject(new NetworkError('timeout'));
      }, timeoutMs);
    });
    const exchange = (async (): Promise<VendorResponse> => {
      response = await request(outbound.url, {
        method: outbound.method,
        headers: outbound.headers,
        body: outbound.body,
        dispatcher,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      // Headers that arrive after the deadline: nobody waits for this answer, drop it now.
      if (late) {
        response.body.destroy();
        throw new NetworkError('timeout');
      }
      const body = await readBounded(response.body as unknown as AsyncIterable<Buffer> & { destroy(): void });
      return { status: response.statusCode, headers: flatHeaders(response.headers), body };
    })();
    exchange.catch(() => undefined); // settled after the deadline: nobody waits for it any more
    try {
      return await Promise.race([exchange, deadline]);
    } catch (error) {
      if (error instanceof NetworkError) throw error;
      const code = (error as { code?: string }).code;
      throw new NetworkError(typeof code === 'string' ? code : 'request failed');
    } finally {
      clearTimeout(timer);
    }
  };
}

export const httpSend: Send = createHttpSend();
