/** Keeps the requests vendors accepted, newest last, bounded so a long demo cannot grow forever. */
export interface Received {
  seq: number;
  vendor: string;
  receivedAt: string;
  path: string;
  /** Query without secrets (api_secret is replaced by whether it was valid). */
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  /** Vendor-side findings: GA4 validation messages, a webhook signature check. */
  validation: unknown;
}

/** A message as the browser (or any client) sent it to the relay: the demo shows it beside what vendors got. */
export interface SentMessage {
  environment: string;
  /** The timestamp the relay gave the event, which every vendor's copy carries. */
  timestamp: string;
  message: Record<string, unknown>;
}

export class Recorder {
  #items: Received[] = [];
  #seq = 0;
  /** By timestamp in ms; bounded like the received list. */
  #sent = new Map<number, SentMessage[]>();

  constructor(private readonly capacity = 10_000) {}

  add(item: Omit<Received, 'seq' | 'receivedAt'>): Received {
    const record = { ...item, seq: ++this.#seq, receivedAt: new Date().toISOString() };
    this.#items.push(record);
    if (this.#items.length > this.capacity) this.#items.splice(0, this.#items.length - this.capacity);
    return record;
  }

  list(vendor?: string): Received[] {
    return vendor ? this.#items.filter((i) => i.vendor === vendor) : [...this.#items];
  }

  clear(): void {
    this.#items = [];
    this.#sent.clear();
  }

  addSent(items: SentMessage[]): void {
    for (const item of items) {
      const ms = Date.parse(item.timestamp);
      this.#sent.set(ms, [...(this.#sent.get(ms) ?? []), item]);
    }
    // Maps iterate in insertion order: drop the oldest timestamps first.
    for (const ms of this.#sent.keys()) {
      if (this.#sent.size <= this.capacity) break;
      this.#sent.delete(ms);
    }
  }

  /** The sent messages with this timestamp whose event or name is `name` (or any, without one). */
  sentAt(ms: number, name?: string): SentMessage | undefined {
    const candidates = this.#sent.get(ms) ?? [];
    return candidates.find((c) => name === undefined || c.message.event === name || c.message.name === name || c.message.type === name) ?? candidates[0];
  }
}
