/** The one place that talks to vendors. Errors carry a short code, never the URL (it may hold a secret). */
import type { OutboundRequest, VendorResponse } from '../destinations/connector.js';

export type Send = (request: OutboundRequest, timeoutMs: number) => Promise<VendorResponse>;

export class NetworkError extends Error {
  constructor(readonly code: string) {
    super(`network: ${code}`);
  }
}

export const httpSend: Send = async (request, timeoutMs) => {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const e = error as { name?: string; cause?: { code?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new NetworkError('timeout');
    throw new NetworkError(e.cause?.code ?? 'request failed');
  }
  let body = '';
  try {
    body = await response.text();
  } catch {
    // A body cut short still leaves a status to classify.
  }
  return { status: response.status, headers: Object.fromEntries(response.headers), body };
};
