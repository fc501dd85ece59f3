/** Scripted vendor failures for tests: answer a status N times, or hang, before behaving again. */
export interface Fault {
  vendor: string;
  status?: number;
  /** How many requests the fault applies to. */
  times: number;
  /** Do not answer for hangMs (the client's timeout fires first). */
  hangMs?: number;
  retryAfterSeconds?: number;
}

export class FaultBook {
  #faults: Fault[] = [];

  add(fault: Fault): void {
    this.#faults.push({ ...fault });
  }

  /** The fault that applies to this request, counting it down. */
  take(vendor: string): Fault | undefined {
    const fault = this.#faults.find((f) => f.vendor === vendor && f.times > 0);
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
