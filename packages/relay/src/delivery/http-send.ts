/**
 * The one place that talks to vendors: node:http(s) with keep-alive agents (fetch costs several
 * times more CPU per request). Errors carry a short code, never the URL (it may hold a secret).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { OutboundRequest, VendorResponse } from '../destinations/connector.js';

export type Send = (request: OutboundRequest, timeoutMs: number) => Promise<VendorResponse>;

export class NetworkError extends Error {
  constructor(readonly code: string) {
    super(`network: ${code}`);
  }
}

/** Vendor responses are only classified: a short prefix of the body is plenty. */
const MAX_RESPONSE_BYTES = 64 * 1024;

const agents = {
  http: new HttpAgent({ keepAlive: true, maxSockets: 16 }),
  https: new HttpsAgent({ keepAlive: true, maxSockets: 16 }),
};

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export const httpSend: Send = (outbound, timeoutMs) =>
  new Promise((resolve, reject) => {
    const url = new URL(outbound.url);
    const secure = url.protocol === 'https:';
    const body = Buffer.from(outbound.body);
    const req = (secure ? httpsRequest : httpRequest)(
      url,
      {
        method: outbound.method,
        headers: { ...outbound.headers, 'content-length': String(body.length) },
        agent: secure ? agents.https : agents.http,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_RESPONSE_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: flatHeaders(res.headers), body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', () => reject(new NetworkError('response aborted')));
      },
    );
    req.on('timeout', () => req.destroy(new NetworkError('timeout')));
    req.on('error', (error: NodeJS.ErrnoException) => reject(error instanceof NetworkError ? error : new NetworkError(error.code ?? 'request failed')));
    req.end(body);
  });
