/**
 * Recently accepted message ids, per environment. Browsers resend what they could not confirm
 * (a keepalive request at page hide, a reload after an outage): a message id seen in the window is
 * acknowledged again without being fanned out twice. Two generations of sets bound the memory:
 * at least `capacity` and at most 2 x `capacity` ids are remembered. Ids are random UUIDs, not PHI.
 */
export class RecentMessages {
  #current = new Set<string>();
  #previous = new Set<string>();

  /** 100,000 ids per generation: minutes of traffic for most sites, about 10-20 MB at most. */
  constructor(private readonly capacity = 100_000) {}

  has(environment: string, messageId: string): boolean {
    const key = `${environment}\u0000${messageId}`;
    return this.#current.has(key) || this.#previous.has(key);
  }

  /** Forgets an id (its commit failed: the client must be able to send it again). */
  delete(environment: string, messageId: string): void {
    const key = `${environment}\u0000${messageId}`;
    this.#current.delete(key);
    this.#previous.delete(key);
  }

  add(environment: string, messageId: string): void {
    if (this.#current.size >= this.capacity) {
      this.#previous = this.#current;
      this.#current = new Set();
    }
    this.#current.add(`${environment}\u0000${messageId}`);
  }
}
