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
  /** By timestamp in ms, oldest first; at most `capacity` messages. */
  #sent = new Map<number, SentMessage[]>();
  #sentCount = 0;

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
    this.#sentCount = 0;
  }

  addSent(items: SentMessage[]): void {
    for (const item of items) {
      const ms = Date.parse(item.timestamp);
      const list = this.#sent.get(ms);
      if (list) list.push(item);
      else this.#sent.set(ms, [item]);
      this.#sentCount++;
    }
    // Maps iterate in insertion order: drop the oldest timestamps first.
    for (const [ms, list] of this.#sent) {
      if (this.#sentCount <= this.capacity) break;
      this.#sent.delete(ms);
      this.#sentCount -= list.length;
    }
  }

  /**
   * The message the browser sent that a vendor's event came from: same timestamp and the same
   * event, by name as that vendor writes it (`Appointment Booked` is GA4's `appointment_booked`, a
   * page is its `page_view`). Undefined rather than a guess when none matches.
   */
  sentFor(ms: number, vendorName: string): SentMessage | undefined {
    const want = normalName(vendorName);
    return (this.#sent.get(ms) ?? []).find((c) => sentNames(c.message).some((n) => normalName(n) === want));
  }
}

/** Lower case, every run of other characters one underscore: how vendors such as GA4 write event names. */
function normalName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

/** The names a message's event may carry at a vendor. */
function sentNames(message: Record<string, unknown>): string[] {
  const names = [message.event, message.name, message.type].filter((n): n is string => typeof n === 'string');
  if (message.type === 'page' || message.event === '$pageview') names.push('page_view', '$pageview');
  if (message.type === 'screen') names.push('screen_view');
  if (message.type === 'group') names.push('join_group');
  return names;
}
