import { decodeEvent, EVENT_TYPES, TOPICS } from "@loginguard/events";
import { describe, expect, it } from "vitest";
import { accountChangedRecord, ipFlaggedRecord, LOCKED } from "../test/events";
import { EU_KEY, ingestApp, login, NA_KEY, post } from "../test/ingest-app";
import { MemoryBus } from "../test/memory-bus";

describe("POST /v1/logins", () => {
  it("publishes one login.attempted per login in ONE publish call and answers 202 after it", async () => {
    const bus = new MemoryBus();
    const { app } = ingestApp(bus);
    const a = login({ eventId: "e-1", accountId: "acc-1", ip: "::ffff:81.2.69.160" });
    const b = login({ eventId: "e-2", accountId: "acc-2", result: "failure", failureReason: "bad_password" });
    const res = await post(app, { events: [a, b] });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 2, eventIds: ["e-1", "e-2"] });
    expect(bus.publishCalls).toHaveLength(1);

    const [first, second] = bus.records(TOPICS.loginAttempted);
    expect(first?.key).toBe("acc-1");
    const decoded = decodeEvent(first!, [EVENT_TYPES.loginAttempted]);
    if (!decoded.ok) throw decoded.error;
    expect(decoded.event).toMatchObject({
      id: "e-1",
      source: "loginguard/ingest",
      subject: "acc-1",
      correlationId: "e-1",
      data: { eventId: "e-1", ip: "81.2.69.160", source: "eu-login", result: "success" },
    });
    expect(decoded.event.time).toBe(decoded.event.data.receivedAt);
    expect(second?.headers.ce_id).toBe("e-2");
  });

  it("accepts a single login object and generates its eventId", async () => {
    const bus = new MemoryBus();
    const { app } = ingestApp(bus);
    const res = await post(app, login({ eventId: undefined }));
    expect(res.status).toBe(202);
    const body = (await res.json()) as { accepted: number; eventIds: string[] };
    expect(body.accepted).toBe(1);
    expect(bus.records(TOPICS.loginAttempted)[0]?.headers.ce_id).toBe(body.eventIds[0]);
  });

  it("rejects a batch with one invalid login whole, naming item and field, and publishes nothing", async () => {
    const bus = new MemoryBus();
    const { app } = ingestApp(bus);
    const res = await post(app, { events: [login(), login({ ip: "300.1.1.1" }), login()] });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const problem = await res.json();
    expect(problem.errors).toEqual([{ index: 1, path: "ip", message: "has an IPv4 octet above 255" }]);
    expect(problem.detail).toMatch(/1 of 3 login\(s\) are invalid/);
    expect(bus.publishCalls).toHaveLength(0);
  });

  it("rejects a time more than a day ahead with a clear message", async () => {
    const { app } = ingestApp(new MemoryBus());
    const res = await post(app, login({ occurredAt: new Date(Date.now() + 2 * 86_400_000).toISOString() }));
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0]).toEqual({
      index: 0,
      path: "occurredAt",
      message: "is more than 1 day in the future",
    });
  });

  it("accepts the same eventId once: a retry is 202 without a second record", async () => {
    const bus = new MemoryBus();
    const { app } = ingestApp(bus);
    const one = login({ eventId: "dup-1" });
    expect((await post(app, one)).status).toBe(202);
    const again = await post(app, { events: [one, login({ eventId: "new-1" }), one] });
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ accepted: 3, eventIds: ["dup-1", "new-1", "dup-1"] });
    expect(bus.records(TOPICS.loginAttempted).map((r) => r.headers.ce_id)).toEqual(["dup-1", "new-1"]);
  });

  it("makes a retry that overtakes its original wait for the same write", async () => {
    const bus = new MemoryBus();
    let open!: () => void;
    bus.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const { app } = ingestApp(bus);
    const one = login({ eventId: "slow-1" });
    const first = post(app, one);
    const retry = post(app, one);
    await new Promise((r) => setTimeout(r, 20));
    open();
    expect((await first).status).toBe(202);
    expect((await retry).status).toBe(202);
    expect(bus.publishCalls).toHaveLength(1);
    expect(bus.records(TOPICS.loginAttempted)).toHaveLength(1);
  });

  it("answers 503 with retry-after when the event log cannot take writes, and accepts the retry later", async () => {
    const bus = new MemoryBus();
    const { app } = ingestApp(bus);
    bus.failWith = new Error("event log down");
    const one = login({ eventId: "down-1" });
    const res = await post(app, one);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("2");
    expect((await res.json()).type).toMatch(/unavailable$/);
    expect(bus.records(TOPICS.loginAttempted)).toHaveLength(0);

    bus.failWith = undefined;
    expect((await post(app, one)).status).toBe(202);
    expect(bus.records(TOPICS.loginAttempted)).toHaveLength(1);
  });

  it("answers 503 when the event log does not acknowledge in time", async () => {
    const bus = new MemoryBus();
    bus.gate = new Promise(() => {});
    const { app } = ingestApp(bus, { publishTimeoutMs: 50 });
    const res = await post(app, login());
    expect(res.status).toBe(503);
    expect((await res.json()).detail).toMatch(/did not acknowledge in time/);
  });

  it("answers 429 with retry-after over the key's events per second, counting events", async () => {
    let now = Date.now();
    const { app } = ingestApp(new MemoryBus(), { ratePerSecond: 100 }, () => now);
    const batch = (n: number) => ({ events: Array.from({ length: n }, () => login()) });
    expect((await post(app, batch(150))).status).toBe(202);
    expect((await post(app, batch(50))).status).toBe(202);
    const limited = await post(app, batch(10));
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect((await post(app, batch(10), NA_KEY)).status).toBe(202);
    now += 1000;
    expect((await post(app, batch(10))).status).toBe(202);
  });

  it("answers 401, 413, 415 and 400 for what is not a login request", async () => {
    const { app } = ingestApp(new MemoryBus());
    expect((await post(app, login(), "wrong-key-0123456789")).status).toBe(401);
    const big = { events: [login({ userAgent: "x".repeat(512) })], pad: "y".repeat(1024 * 1024) };
    expect((await post(app, big)).status).toBe(413);
    expect((await post(app, "accountId=a", EU_KEY, { "content-type": "text/plain" })).status).toBe(415);
    expect((await post(app, "{not json")).status).toBe(400);
    expect((await post(app, [login()])).status).toBe(400);
    expect((await post(app, { events: [] })).status).toBe(400);
    const unknown = await post(app, login({ password: "hunter2" }));
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).errors).toEqual([
      { index: 0, path: "password", message: "is not a field of a login" },
    ]);
  });
});

describe("GET /v1/accounts/{accountId}/status", () => {
  const get = (app: ReturnType<typeof ingestApp>["app"], path: string, key = EU_KEY) =>
    app.request(path, { headers: { authorization: `Bearer ${key}` } });

  it("answers an unknown account as unlocked with empty lists, and ipFlagged when asked", async () => {
    const { app, service } = ingestApp(new MemoryBus());
    // Before the cache read account.changed it does not know: 503 with retry-after, never "unlocked".
    const early = await get(app, "/v1/accounts/nobody/status");
    expect(early.status).toBe(503);
    expect(early.headers.get("retry-after")).toBe("1");
    expect((await early.json()).type).toMatch(/status-not-ready$/);
    await service.start();
    const res = await get(app, "/v1/accounts/nobody/status");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toEqual({
      locked: false,
      lockedAt: null,
      reason: null,
      blockedCountries: [],
      allowedCountries: [],
      travel: null,
    });
    const withIp = await get(app, "/v1/accounts/nobody/status?ip=81.2.69.160");
    expect((await withIp.json()).ipFlagged).toBe(false);
    await service.stop();
  });

  it("answers 400 for a bad ip or an overlong accountId, 401 without a key", async () => {
    const { app } = ingestApp(new MemoryBus());
    expect((await get(app, "/v1/accounts/a/status?ip=1.2.3")).status).toBe(400);
    expect((await get(app, `/v1/accounts/${"a".repeat(129)}/status`)).status).toBe(400);
    for (const bad of ["a%00b", "a%0D%0Ab", "%ED%A0%80", "a%EF%BF%BD"]) {
      const res = await get(app, `/v1/accounts/${bad}/status`);
      expect(res.status, bad).toBe(400);
      expect(JSON.stringify(await res.json())).toMatch(/accountId/);
    }
    expect((await app.request("/v1/accounts/a/status")).status).toBe(401);
  });

  it("answers from what account.changed and ip.flagged said, after start()", async () => {
    const bus = new MemoryBus();
    await bus.publish([accountChangedRecord("acc-9", LOCKED, "c1")]);
    const { app, service } = ingestApp(bus);
    await service.start();
    await bus.publish([ipFlaggedRecord("::ffff:203.0.113.9", Date.now() + 60_000, "f1")]);
    const res = await get(app, "/v1/accounts/acc-9/status?ip=203.0.113.9");
    expect(await res.json()).toEqual({ ...LOCKED, ipFlagged: true });
    expect(service.isStatusWarm()).toBe(true);
    await service.stop();
  });
});
