import { describe, expect, it } from "vitest";
import { RecentEvents } from "./recent-events";

describe("RecentEvents", () => {
  it("remembers ids per key name once their write succeeded, within the window", async () => {
    let now = 0;
    const recent = new RecentEvents({ windowMs: 1000, maxEntries: 10, now: () => now });
    const stored = Promise.resolve();
    recent.track("eu", ["a"], stored);
    expect(recent.state("eu", "a")).toEqual({ kind: "pending", stored });
    expect(recent.state("na", "a")).toEqual({ kind: "new" });
    await stored;
    expect(recent.state("eu", "a")).toEqual({ kind: "accepted" });
    expect(recent.state("na", "a")).toEqual({ kind: "new" });
    now = 1999;
    expect(recent.state("eu", "a")).toEqual({ kind: "accepted" });
    now = 2000;
    expect(recent.state("eu", "a")).toEqual({ kind: "new" });
  });

  it("forgets ids whose write failed", async () => {
    const recent = new RecentEvents({ windowMs: 1000, maxEntries: 10 });
    const failed = Promise.reject(new Error("down"));
    recent.track("eu", ["a"], failed);
    await failed.catch(() => {});
    expect(recent.state("eu", "a")).toEqual({ kind: "new" });
  });

  it("holds at most maxEntries, dropping the oldest, and drops expired ones as it goes", async () => {
    let now = 0;
    const recent = new RecentEvents({ windowMs: 10_000, maxEntries: 2, now: () => now });
    for (const id of ["a", "b", "c"]) {
      const stored = Promise.resolve();
      recent.track("eu", [id], stored);
      await stored;
    }
    expect(recent.size).toBe(2);
    expect(recent.state("eu", "a").kind).toBe("new");
    expect(recent.state("eu", "c").kind).toBe("accepted");
    now = 20_000;
    const stored = Promise.resolve();
    recent.track("eu", ["d"], stored);
    await stored;
    expect(recent.size).toBe(1);
  });
});
