/**
 * Failed PIN attempts, counted per user and register and per client address in a sliding window; past
 * the limit the key is locked for a while. In memory: a restart forgets the counters, which only gives
 * back the attempts of one window.
 */
export interface PinLimits {
  readonly maxAttempts: number;
  readonly windowMs: number;
  readonly lockMs: number;
}

interface Counter {
  failures: number[];
  lockedUntil: number;
}

export class PinLimiter {
  private readonly counters = new Map<string, Counter>();

  constructor(private readonly limits: PinLimits) {}

  /** Milliseconds until the first of `keys` is unlocked; 0 when none is locked. */
  lockedFor(keys: readonly string[], now: number): number {
    let wait = 0;
    for (const key of keys) {
      const counter = this.counters.get(key);
      if (counter !== undefined && counter.lockedUntil > now)
        wait = Math.max(wait, counter.lockedUntil - now);
    }
    return wait;
  }

  /** Records a failure; true when it locks one of the keys. */
  fail(keys: readonly string[], now: number): boolean {
    let locked = false;
    for (const key of keys) {
      const counter = this.counters.get(key) ?? { failures: [], lockedUntil: 0 };
      counter.failures = counter.failures.filter((t) => t > now - this.limits.windowMs);
      counter.failures.push(now);
      if (counter.failures.length >= this.limits.maxAttempts) {
        counter.lockedUntil = now + this.limits.lockMs;
        counter.failures = [];
        locked = true;
      }
      this.counters.set(key, counter);
    }
    if (this.counters.size > 10_000) this.prune(now);
    return locked;
  }

  succeed(keys: readonly string[]): void {
    for (const key of keys) this.counters.delete(key);
  }

  private prune(now: number): void {
    for (const [key, counter] of this.counters) {
      if (counter.lockedUntil <= now && counter.failures.every((t) => t <= now - this.limits.windowMs)) {
        this.counters.delete(key);
      }
    }
  }
}
