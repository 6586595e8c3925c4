import { describe, expect, it } from "vitest";
import { LruCache } from "../src/cache";

describe("LruCache", () => {
  it("returns what was stored, undefined otherwise", () => {
    const cache = new LruCache<string, number>(10);
    cache.set("a", 1);
    expect(cache.get("a")).toBe(1);
    expect(cache.get("b")).toBeUndefined();
    cache.set("a", 2);
    expect(cache.get("a")).toBe(2);
    expect(cache.size).toBe(1);
  });

  it("never holds more than maxEntries", () => {
    for (const max of [1, 2, 3, 10, 101]) {
      const cache = new LruCache<number, number>(max);
      for (let i = 0; i < max * 5; i++) {
        cache.set(i, i);
        expect(cache.size).toBeLessThanOrEqual(max);
      }
      expect(cache.get(max * 5 - 1)).toBe(max * 5 - 1); // the newest is always there
    }
  });

  it("keeps recently used entries and drops the ones not used for a generation", () => {
    const cache = new LruCache<number, number>(100); // two generations of 50
    for (let i = 0; i < 50; i++) cache.set(i, i); // 0..49 become the previous generation
    expect(cache.get(0)).toBe(0); // used again: back in the current generation
    for (let i = 50; i < 99; i++) cache.set(i, i); // current fills up: 1..49 are dropped
    expect(cache.get(0)).toBe(0);
    expect(cache.get(1)).toBeUndefined();
    expect(cache.get(49)).toBeUndefined();
    expect(cache.get(50)).toBe(50);
    expect(cache.get(98)).toBe(98);
  });

  it("size 0 caches nothing", () => {
    const cache = new LruCache<string, number>(0);
    cache.set("a", 1);
    expect(cache.get("a")).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("refuses a bad size", () => {
    expect(() => new LruCache(-1)).toThrow(RangeError);
    expect(() => new LruCache(1.5)).toThrow(RangeError);
    expect(() => new LruCache(Number.NaN)).toThrow(RangeError);
  });

  it("clear empties it", () => {
    const cache = new LruCache<string, number>(10);
    cache.set("a", 1);
    cache.clear();
    expect(cache.get("a")).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
