/**
 * Bounds the records a stage has in flight across all its partitions. The limit can change at
 * run time; waiters are woken when permits free up or the limit grows.
 */
export class InFlightLimiter {
  #limit: number;
  #inFlight = 0;
  #waiters: Array<{ n: number; resolve: () => void }> = [];

  constructor(limit: number) {
    this.#limit = InFlightLimiter.#check(limit);
  }

  get limit(): number {
    return this.#limit;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  setLimit(limit: number): void {
    this.#limit = InFlightLimiter.#check(limit);
    this.#drain();
  }

  /** Waits for `n` permits; `n` above the limit is clamped so a big chunk cannot wait forever. */
  async acquire(n: number): Promise<number> {
    const wanted = Math.min(n, this.#limit);
    if (this.#waiters.length === 0 && this.#inFlight + wanted <= this.#limit) {
      this.#inFlight += wanted;
      return wanted;
    }
    await new Promise<void>((resolve) => this.#waiters.push({ n: wanted, resolve }));
    return wanted;
  }

  release(n: number): void {
    this.#inFlight -= n;
    this.#drain();
  }

  #drain(): void {
    while (this.#waiters.length > 0) {
      const next = this.#waiters[0]!;
      const n = Math.min(next.n, this.#limit);
      if (this.#inFlight > 0 && this.#inFlight + n > this.#limit) return;
      this.#waiters.shift();
      this.#inFlight += n;
      next.resolve();
    }
  }

  static #check(limit: number): number {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`maxInFlight must be a positive integer, got ${limit}`);
    return limit;
  }
}
