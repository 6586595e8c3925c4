import { describe, expect, it } from "vitest";
import { RecentIds } from "./dedupe";
import { InFlightLimiter } from "./limiter";
import { backoffDelay } from "./retry";

describe("InFlightLimiter", () => {
  it("bounds permits and wakes waiters in order when released", async () => {
    const limiter = new InFlightLimiter(10);
    expect(await limiter.acquire(8)).toBe(8);
    const order: string[] = [];
    const a = limiter.acquire(5).then((n) => order.push(`a${n}`));
    const b = limiter.acquire(2).then((n) => order.push(`b${n}`));
    await Promise.resolve();
    expect(order).toEqual([]);
    limiter.release(8);
    await Promise.all([a, b]);
    expect(order).toEqual(["a5", "b2"]);
    expect(limiter.inFlight).toBe(7);
  });

  it("clamps a request above the limit and follows a limit changed at run time", async () => {
    const limiter = new InFlightLimiter(4);
    expect(await limiter.acquire(100)).toBe(4);
    const waiting = limiter.acquire(3);
    let got = 0;
    void waiting.then((n) => {
      got = n;
    });
    limiter.setLimit(8);
    await waiting;
    expect(got).toBe(3);
    expect(limiter.inFlight).toBe(7);
    expect(() => limiter.setLimit(0)).toThrow(RangeError);
  });
});

describe("backoffDelay", () => {
  const policy = { initialMs: 100, maxMs: 5000, unknownErrorAttempts: 3 };
  it("grows exponentially within [initial, max] with full jitter", () => {
    expect(backoffDelay(policy, 1, () => 1)).toBe(100);
    expect(backoffDelay(policy, 4, () => 1)).toBe(800);
    expect(backoffDelay(policy, 30, () => 1)).toBe(5000);
    expect(backoffDelay(policy, 30, () => 0)).toBe(100);
  });
});

describe("RecentIds", () => {
  it("forgets the oldest id beyond its capacity", () => {
    const ids = new RecentIds(2);
    ids.add("a");
    ids.add("b");
    ids.add("c");
    expect(ids.has("a")).toBe(false);
    expect(ids.has("b") && ids.has("c")).toBe(true);
  });
});
