/** The limiter's answer: go ahead, or how long to wait. */
export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface RateLimiterOptions {
  /** Sustained events per second per key. */
  ratePerSecond: number;
  /** Bucket size in seconds of the rate (docs/ARCHITECTURE.md: 2 s worth). */
  burstSeconds: number;
  /** Clock in ms; tests pass their own. */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * A token bucket per API key that counts events, not requests: a batch of 500 takes 500
 * tokens. A request larger than the whole bucket passes when the bucket is full and leaves it
 * in debt, so a low rate never makes a maximal batch impossible.
 */
export class EventRateLimiter {
  readonly #rate: number;
  readonly #capacity: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: RateLimiterOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError("ratePerSecond must be positive");
    this.#rate = options.ratePerSecond / 1000;
    this.#capacity = options.ratePerSecond * options.burstSeconds;
    this.#now = options.now ?? Date.now;
  }

  /** Takes `events` tokens from `key`'s bucket, or says when enough will be there. */
  take(key: string, events: number): RateDecision {
    const now = this.#now();
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.#capacity, updatedAt: now };
      this.#buckets.set(key, bucket);
    } else if (now > bucket.updatedAt) {
      bucket.tokens = Math.min(this.#capacity, bucket.tokens + (now - bucket.updatedAt) * this.#rate);
      bucket.updatedAt = now;
    }
    const needed = Math.min(events, this.#capacity);
    if (bucket.tokens >= needed) {
      bucket.tokens -= events;
      return { ok: true };
    }
    const waitMs = (needed - bucket.tokens) / this.#rate;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }
}
