/** The value at quantile `q` (0..1) of ascending `sorted` values (nearest rank); NaN when empty. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(q * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

/** p50 and p99 of unsorted samples. */
export function percentiles(samples: readonly number[]): { p50: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** Counts per key, e.g. HTTP status codes. */
export class Tally<K> {
  readonly #counts = new Map<K, number>();

  add(key: K, n = 1): void {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + n);
  }

  get(key: K): number {
    return this.#counts.get(key) ?? 0;
  }

  entries(): Array<[K, number]> {
    return [...this.#counts.entries()];
  }
}
