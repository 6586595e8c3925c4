/**
 * A fixed-window count of requests per key held in memory: the answer links' rate limit (per
 * question). The token itself is unguessable; the limit keeps one leaked link from being
 * hammered. Bounded: the oldest keys are dropped beyond `maxKeys`.
 */
export class LinkThrottle {
  readonly #hits = new Map<string, { windowStart: number; n: number }>();

  constructor(
    private readonly options: { limit: number; windowMs: number; maxKeys?: number } = {
      limit: 30,
      windowMs: 10 * 60_000,
    },
  ) {}

  /** Counts a request; answers the seconds to wait when over the limit, else null. */
  hit(key: string, now: number): number | null {
    const entry = this.#hits.get(key);
    if (!entry || now - entry.windowStart >= this.options.windowMs) {
      this.#hits.delete(key);
      this.#hits.set(key, { windowStart: now, n: 1 });
      const max = this.options.maxKeys ?? 100_000;
      if (this.#hits.size > max) this.#hits.delete(this.#hits.keys().next().value as string);
      return null;
    }
    entry.n += 1;
    if (entry.n <= this.options.limit) return null;
    return Math.max(1, Math.ceil((entry.windowStart + this.options.windowMs - now) / 1000));
  }
}
