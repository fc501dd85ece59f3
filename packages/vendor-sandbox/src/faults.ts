import type { FastifyReply } from 'fastify';

/**
 * Scripted vendor failures for tests: answer a status N times, or hang, before behaving again;
 * or, for the ad platforms, answer as the vendor does when it throttles (`reply: throttle`) or
 * refuses the events of one name (`reply: reject`, `eventName`): Google Ads and LinkedIn name
 * the refused rows in a 200 (`retryable` picks a retryable error), Meta and TikTok fail the
 * whole request, Microsoft names the events it refused.
 */
export interface Fault {
  vendor: string;
  status?: number;
  /** How many requests the fault applies to. */
  times: number;
  /** Do not answer for hangMs (the client's timeout fires first). */
  hangMs?: number;
  retryAfterSeconds?: number;
  reply?: 'throttle' | 'reject';
  /** `reply: reject`: the vendor event name refused. */
  eventName?: string;
  retryable?: boolean;
}

export class FaultBook {
  #faults: Fault[] = [];

  add(fault: Fault): void {
    this.#faults.push({ ...fault });
  }

  /** The fault that applies to this request (a status, a hang or throttling), counting it down. */
  take(vendor: string): Fault | undefined {
    return this.#takeWhere((f) => f.vendor === vendor && f.reply !== 'reject');
  }

  /** The `reject` fault for this vendor's events named `names`, counted down once per request it hits. */
  takeReject(vendor: string, names: string[]): Fault | undefined {
    return this.#takeWhere((f) => f.vendor === vendor && f.reply === 'reject' && f.eventName !== undefined && names.includes(f.eventName));
  }

  #takeWhere(match: (f: Fault) => boolean): Fault | undefined {
    const fault = this.#faults.find((f) => f.times > 0 && match(f));
    if (!fault) return undefined;
    fault.times--;
    this.#faults = this.#faults.filter((f) => f.times > 0);
    return fault;
  }

  list(): Fault[] {
    return this.#faults.map((f) => ({ ...f }));
  }

  clear(): void {
    this.#faults = [];
  }
}

/** Answers a status or hang fault as a plain HTTP failure (throttling is each vendor's own). */
export async function answerFault(fault: Fault, reply: FastifyReply): Promise<FastifyReply> {
  if (fault.hangMs !== undefined) {
    await new Promise((r) => setTimeout(r, fault.hangMs));
    if (fault.status === undefined) return reply.code(504).send();
  }
  if (fault.retryAfterSeconds !== undefined) reply.header('retry-after', String(fault.retryAfterSeconds));
  return reply.code(fault.status ?? 500).send({ error: 'sandbox fault' });
}
