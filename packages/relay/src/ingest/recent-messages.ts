/**
 * Message ids the relay has stored, per environment. Browsers resend what they could not confirm
 * (a keepalive request at page hide, a reload after an outage): a message id stored before is
 * acknowledged again without being fanned out twice.
 *
 * An id counts as stored only once its rows are committed. While a commit is on its way the id is
 * pending: a resend of it waits for that outcome, and sends the message itself if the commit
 * failed, so a duplicate is never acknowledged for an event that was then lost.
 *
 * Two generations of sets bound the memory: at least `capacity` and at most 2 x `capacity` ids
 * are remembered. Ids are random UUIDs, not PHI.
 */
export class RecentMessages {
  #current = new Set<string>();
  #previous = new Set<string>();
  readonly #pending = new Map<string, Promise<unknown>>();

  /** 100,000 ids per generation: minutes of traffic for most sites, about 10-20 MB at most. */
  constructor(private readonly capacity = 100_000) {}

  /** Committed before. */
  has(environment: string, messageId: string): boolean {
    const key = `${environment}\u0000${messageId}`;
    return this.#current.has(key) || this.#previous.has(key);
  }

  /** The commit this id is waiting for, if one is on its way. Settles, never rejects. */
  pending(environment: string, messageId: string): Promise<unknown> | undefined {
    return this.#pending.get(`${environment}\u0000${messageId}`);
  }

  /**
   * Marks ids as pending until `commit` settles: on success they count as stored, on failure they
   * are forgotten (the client must be able to send them again).
   */
  track(environment: string, messageIds: string[], commit: Promise<unknown>): void {
    const keys = messageIds.map((id) => `${environment}\u0000${id}`);
    const settled = commit
      .then(
        () => {
          for (const key of keys) this.#add(key);
        },
        () => undefined,
      )
      .finally(() => {
        for (const key of keys) if (this.#pending.get(key) === settled) this.#pending.delete(key);
      });
    for (const key of keys) this.#pending.set(key, settled);
  }

  #add(key: string): void {
    if (this.#current.size >= this.capacity) {
      this.#previous = this.#current;
      this.#current = new Set();
    }
    this.#current.add(key);
  }
}
