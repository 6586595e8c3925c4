import { describe, expect, it } from "vitest";
import { EventRateLimiter } from "./rate-limiter";

describe("EventRateLimiter", () => {
  it("counts events, allows a 2 s burst, refills at the rate, per key", () => {
    let now = 0;
    const limiter = new EventRateLimiter({ ratePerSecond: 100, burstSeconds: 2, now: () => now });
    expect(limiter.take("eu", 150).ok).toBe(true);
    expect(limiter.take("eu", 50).ok).toBe(true);
    expect(limiter.take("eu", 1)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(limiter.take("na", 200).ok).toBe(true);
    now = 500;
    expect(limiter.take("eu", 50).ok).toBe(true);
    expect(limiter.take("eu", 150)).toEqual({ ok: false, retryAfterSeconds: 2 });
    now = 10_000;
    expect(limiter.take("eu", 200).ok).toBe(true);
  });

  it("lets a batch larger than the bucket through when the bucket is full, then waits off the debt", () => {
    let now = 0;
    const limiter = new EventRateLimiter({ ratePerSecond: 100, burstSeconds: 2, now: () => now });
    expect(limiter.take("eu", 1000).ok).toBe(true);
    const next = limiter.take("eu", 1);
    expect(next).toEqual({ ok: false, retryAfterSeconds: 9 });
    now = 8_010;
    expect(limiter.take("eu", 1).ok).toBe(true);
  });
});
