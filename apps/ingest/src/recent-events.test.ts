import { describe, expect, it } from "vitest";
import { RecentEvents } from "./recent-events";

describe("RecentEvents", () => {
  it("remembers ids once their write succeeded, within the window", async () => {
    let now = 0;
    const recent = new RecentEvents({ windowMs: 1000, maxEntries: 10, now: () => now });
    const stored = Promise.resolve();
    recent.track(["a"], stored);
    expect(recent.state("a")).toEqual({ kind: "pending", stored });
    await stored;
    expect(recent.state("a")).toEqual({ kind: "accepted" });
    now = 1001;
    expect(recent.state("a")).toEqual({ kind: "new" });
  });

  it("forgets ids whose write failed", async () => {
    const recent = new RecentEvents({ windowMs: 1000, maxEntries: 10 });
    const failed = Promise.reject(new Error("down"));
    recent.track(["a"], failed);
    await failed.catch(() => {});
    expect(recent.state("a")).toEqual({ kind: "new" });
  });

  it("holds at most maxEntries, dropping the oldest", async () => {
    const recent = new RecentEvents({ windowMs: 60_000, maxEntries: 2 });
    for (const id of ["a", "b", "c"]) {
      const stored = Promise.resolve();
      recent.track([id], stored);
      await stored;
    }
    expect(recent.size).toBe(2);
    expect(recent.state("a").kind).toBe("new");
    expect(recent.state("c").kind).toBe("accepted");
  });
});
