/** Exponential backoff with full jitter (AWS architecture blog): random in [initial, min(max, initial*2^n)]. */
export interface RetryPolicy {
  initialMs: number;
  maxMs: number;
  /** Attempts for errors that say nothing about retryability before the record is dead-lettered. */
  unknownErrorAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialMs: 100, maxMs: 30_000, unknownErrorAttempts: 5 };

export function backoffDelay(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(policy.initialMs + random() * Math.max(0, ceiling - policy.initialMs));
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
