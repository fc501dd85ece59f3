/**
 * Reads request bodies as streams, with two bounds: the per-request limit, and a budget shared by
 * every body still arriving. A slow client that sends half a body and waits holds only what it
 * sent, and once the budget is spent new bodies are refused with 503 instead of buffered: 300
 * half-sent bodies can no longer hold hundreds of megabytes. The request timeout ends the wait.
 *
 * The budget is shared fairly under pressure: while it is less than half used any client may take
 * from it (a reverse proxy in front of the relay is one client for all visitors); past half, a
 * client already holding its share is refused, so a few stalled clients cannot shut out the rest.
 */
import type { FastifyRequest } from 'fastify';

export class BodyBudget {
  #inFlight = 0;
  readonly #byClient = new Map<string, number>();

  /** `clientShareBytes`: what one client may hold once the budget is half used. */
  constructor(
    readonly maxBytes: number,
    readonly clientShareBytes = Math.max(1, Math.floor(maxBytes / 16)),
  ) {}

  take(client: string, bytes: number): boolean {
    if (this.#inFlight + bytes > this.maxBytes) return false;
    const mine = this.#byClient.get(client) ?? 0;
    if (this.#inFlight + bytes > this.maxBytes / 2 && mine + bytes > this.clientShareBytes) return false;
    this.#inFlight += bytes;
    this.#byClient.set(client, mine + bytes);
    return true;
  }

  release(client: string, bytes: number): void {
    if (bytes === 0) return;
    this.#inFlight -= bytes;
    const left = (this.#byClient.get(client) ?? 0) - bytes;
    if (left > 0) this.#byClient.set(client, left);
    else this.#byClient.delete(client);
  }

  /** Clients holding part of the budget now. */
  get clients(): number {
    return this.#byClient.size;
  }

  get inFlight(): number {
    return this.#inFlight;
  }
}

function httpError(statusCode: number, code: string, message: string): Error {
  return Object.assign(new Error(message), { statusCode, code });
}

export const BODY_TOO_LARGE = 'FST_ERR_CTP_BODY_TOO_LARGE';
export const BODIES_BUSY = 'PALISADE_BODY_BUDGET';

/** A fastify content-type parser that yields the body as a string. */
export function bodyReader(limitBytes: number, budget: BodyBudget) {
  return (request: FastifyRequest, payload: NodeJS.ReadableStream, done: (err: Error | null, body?: string) => void): void => {
    const declared = Number(request.headers['content-length']);
    if (declared > limitBytes) {
      done(httpError(413, BODY_TOO_LARGE, 'body too large'));
      return;
    }
    const client = request.ip;
    const chunks: Buffer[] = [];
    let held = 0;
    let finished = false;
    const finish = (error: Error | null, body?: string) => {
      if (finished) return;
      finished = true;
      budget.release(client, held);
      held = 0;
      payload.removeListener('data', onData);
      if (error) payload.resume(); // discard the rest; the reply closes the exchange
      done(error, body);
    };
    const onData = (chunk: Buffer) => {
      if (held + chunk.length > limitBytes) return finish(httpError(413, BODY_TOO_LARGE, 'body too large'));
      if (!budget.take(client, chunk.length)) return finish(httpError(503, BODIES_BUSY, 'too many bodies in flight'));
      held += chunk.length;
      chunks.push(chunk);
    };
    payload.on('data', onData);
    payload.on('end', () => finish(null, Buffer.concat(chunks).toString('utf8')));
    payload.on('error', (error: Error) => finish(httpError(400, 'FST_ERR_CTP_INVALID_CONTENT_LENGTH', error.message)));
  };
}
