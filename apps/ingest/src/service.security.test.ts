import { timingSafeEqual } from "node:crypto";
import { TOPICS } from "@loginguard/events";
import { describe, expect, it, vi } from "vitest";
import { EU_KEY, ingestApp, login, post } from "../test/ingest-app";
import { MemoryBus } from "../test/memory-bus";

// Wraps the real function so the test can see that the key check goes through it.
vi.mock("node:crypto", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:crypto")>();
  return { ...real, timingSafeEqual: vi.fn(real.timingSafeEqual) };
});

describe("ingest key checks", () => {
  it("refuses a wrong key, a key of another kind and a missing scheme, and publishes nothing", async () => {
    const bus = new MemoryBus();
    const { app } = ingestApp(bus);
    for (const authorization of [
      "Bearer wrong-key-0123456789abc",
      `Bearer ${EU_KEY}x`,
      `Bearer ${EU_KEY.slice(0, -1)}`,
      `Basic ${Buffer.from(`eu-login:${EU_KEY}`).toString("base64")}`,
      EU_KEY,
      "",
    ]) {
      const res = await app.request("/v1/logins", {
        method: "POST",
        headers: { authorization, "content-type": "application/json" },
        body: JSON.stringify(login()),
      });
      expect(res.status, authorization).toBe(401);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
    expect(bus.publishCalls).toHaveLength(0);
  });

  it("does not take the key from the query string", async () => {
    const bus = new MemoryBus();
    const { app } = ingestApp(bus);
    for (const query of [`key=${EU_KEY}`, `api_key=${EU_KEY}`, `access_token=${EU_KEY}`]) {
      const res = await app.request(`/v1/logins?${query}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(login()),
      });
      expect(res.status).toBe(401);
      expect((await app.request(`/v1/accounts/a/status?${query}`)).status).toBe(401);
    }
    expect(bus.records(TOPICS.loginAttempted)).toHaveLength(0);
  });

  it("compares keys with crypto.timingSafeEqual on equal-length digests", async () => {
    const { app } = ingestApp(new MemoryBus());
    const spy = vi.mocked(timingSafeEqual);
    spy.mockClear();
    expect((await post(app, login(), "wrong-key-0123456789abc")).status).toBe(401);
    // One comparison per configured key, each of two 32-byte SHA-256 digests.
    expect(spy).toHaveBeenCalledTimes(2);
    for (const [a, b] of spy.mock.calls) {
      expect((a as Buffer).length).toBe(32);
      expect((b as Buffer).length).toBe(32);
    }
    spy.mockClear();
    expect((await post(app, login())).status).toBe(202);
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it("does not echo the key or the IP in error answers", async () => {
    const { app } = ingestApp(new MemoryBus());
    const res = await post(app, login({ ip: "81.2.69.160:4444" }));
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(text).not.toContain("81.2.69.160");
    expect(text).not.toContain(EU_KEY);
  });
});
