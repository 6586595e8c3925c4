import { describe, expect, it } from "vitest";
import { LoginRateSampler } from "./metrics-sampler";

describe("logins per minute from the process's counter", () => {
  it("counts each whole minute from readings, and the first minute from the first reading", async () => {
    let counter = 0;
    const sampler = new LoginRateSampler(async () => counter);
    const t0 = 1_000_000_000;
    await sampler.sample(t0);
    counter = 30;
    await sampler.sample(t0 + 30_000);
    // Half a minute in: 30 logins so far, counted from the first reading.
    expect(sampler.perMinute(t0 + 30_000, 3)).toEqual({ lastMinute: 30, minutes: [null, null, 30] });
    counter = 100;
    await sampler.sample(t0 + 60_000);
    counter = 160;
    await sampler.sample(t0 + 120_000);
    expect(sampler.perMinute(t0 + 120_000, 3)).toEqual({ lastMinute: 60, minutes: [0, 100, 60] });
    expect(sampler.perMinute(t0 + 120_000, 4).minutes[0]).toBeNull();
  });

  it("forgets readings older than it keeps, and never goes negative", async () => {
    let counter = 50;
    const sampler = new LoginRateSampler(async () => counter, 120_000);
    await sampler.sample(0);
    counter = 10; // a counter reset (another registry): no negative rate
    await sampler.sample(60_000);
    expect(sampler.perMinute(60_000, 1).lastMinute).toBe(0);
    await sampler.sample(300_000);
    // The reading at 0 and 60 s are gone: nothing to compare the last one with.
    expect(sampler.perMinute(300_000, 1)).toEqual({ lastMinute: 0, minutes: [0] });
  });
});
