/**
 * Failed enrollment attempts per source address. Enrollment tokens are long random values, so
 * guessing is hopeless; the limit stops an address that keeps presenting bad tokens from costing
 * the server work and filling its log. Kept in memory per replica, bounded in size.
 */
export class EnrollFailures {
  private readonly byAddress = new Map<string, { count: number; resetAt: number }>();

  constructor(
    readonly maxFailures: number,
    readonly windowMs = 60_000,
    private readonly maxAddresses = 100_000,
  ) {}

  /** When `address` has used up its failures: the time (ms) it may try again. */
  blockedUntil(address: string, now = Date.now()): number | undefined {
    const entry = this.byAddress.get(address);
    if (!entry || entry.resetAt <= now) return undefined;
    return entry.count >= this.maxFailures ? entry.resetAt : undefined;
  }

  /** Counts one failure; answers how many the address has had in the current window. */
  failed(address: string, now = Date.now()): number {
    let entry = this.byAddress.get(address);
    if (!entry || entry.resetAt <= now) {
      if (this.byAddress.size >= this.maxAddresses) this.prune(now);
      entry = { count: 0, resetAt: now + this.windowMs };
      this.byAddress.set(address, entry);
    }
    return ++entry.count;
  }

  private prune(now: number): void {
    for (const [k, v] of this.byAddress) if (v.resetAt <= now) this.byAddress.delete(k);
    // Still full of live entries (a wide scan): forget the oldest half rather than grow without bound.
    if (this.byAddress.size >= this.maxAddresses) {
      let drop = Math.floor(this.byAddress.size / 2);
      for (const k of this.byAddress.keys()) {
        if (drop-- <= 0) break;
        this.byAddress.delete(k);
      }
    }
  }
}
