// Slows down password guessing on the ops login: after a few wrong passwords from one address, that
// address is refused (429) until the window passes, right password or not. In memory, per process:
// enough to turn an online guess into years; a restart forgets, which only helps the operator.

export type LoginThrottleOptions = { maxFailures: number; windowMs: number; now?: () => number };

export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; since: number }>();
  private readonly now: () => number;

  constructor(private readonly options: LoginThrottleOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Milliseconds until this address may try again; 0 when it may try now. */
  blockedFor(address: string): number {
    const entry = this.current(address);
    if (!entry || entry.count < this.options.maxFailures) return 0;
    return entry.since + this.options.windowMs - this.now();
  }

  failed(address: string): void {
    const entry = this.current(address) ?? { count: 0, since: this.now() };
    entry.count++;
    this.failures.set(address, entry);
    if (this.failures.size > 10_000) this.prune();
  }

  succeeded(address: string): void {
    this.failures.delete(address);
  }

  private current(address: string): { count: number; since: number } | undefined {
    const entry = this.failures.get(address);
    if (entry && this.now() - entry.since >= this.options.windowMs) {
      this.failures.delete(address);
      return undefined;
    }
    return entry;
  }

  private prune(): void {
    for (const address of [...this.failures.keys()]) this.current(address);
  }
}
