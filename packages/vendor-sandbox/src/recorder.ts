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

export class Recorder {
  #items: Received[] = [];
  #seq = 0;

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
  }
}
