/**
 * A fixed-window count per client (its address): at most `limit` units per `windowMs`. The map
 * of clients is bounded; when it is full the window's counts are dropped and start again, which
 * an attacker with that many addresses could use to reset their own counts, and nothing more.
 */
export class ClientRateLimit {
  #counts = new Map<string, number>();
  #windowStart = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxClients = 50_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes up to `wanted` units for `client`; returns how many it may use. */
  take(client: string, wanted: number): number {
    const now = this.now();
    if (now - this.#windowStart >= this.windowMs || this.#counts.size >= this.maxClients) {
      this.#counts = new Map();
      this.#windowStart = now;
    }
    const used = this.#counts.get(client) ?? 0;
    const granted = Math.max(0, Math.min(wanted, this.limit - used));
    if (granted > 0) this.#counts.set(client, used + granted);
    return granted;
  }
}
