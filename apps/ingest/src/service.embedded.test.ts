import { decodeEvent, EVENT_TYPES, TOPICS } from "@loginguard/events";
import { type EmbeddedLogFixture, openEmbeddedLog } from "@loginguard/platform/testing";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountChangedRecord, ipFlaggedRecord, LOCKED } from "../test/events";
import { EU_KEY, ingestApp, login, post } from "../test/ingest-app";

/**
 * Ingest on the real embedded event log (PGlite in a temporary directory). One log for the
 * file (opening PGlite takes seconds); the last test closes its database.
 */
describe("ingest on the embedded event log", () => {
  let log: EmbeddedLogFixture;
  beforeAll(async () => {
    log = await openEmbeddedLog([TOPICS.loginAttempted, TOPICS.accountChanged, TOPICS.ipFlagged], "ingest");
  });
  afterAll(async () => {
    await log?.close();
  });

  it("stores each accepted login once, readable by any consumer group", async () => {
    const { app } = ingestApp(log.bus);
    const first = login({ eventId: "emb-1", accountId: "acc-1" });
    const second = login({ eventId: "emb-2", accountId: "acc-2", ip: "2001:db8::1" });
    expect((await post(app, { events: [first, second] })).status).toBe(202);
    expect((await post(app, first)).status).toBe(202);
    expect((await post(app, { events: [second, login({ eventId: "emb-3" })] })).status).toBe(202);

    await log.watch([TOPICS.loginAttempted]);
    const seen = log.seen;
    await log.until(() => (seen.length >= 3 ? true : undefined));
    await new Promise((r) => setTimeout(r, 300));
    const ids = seen.map((r) => r.headers.ce_id).sort();
    expect(ids).toEqual(["emb-1", "emb-2", "emb-3"]);
    const one = seen.find((r) => r.headers.ce_id === "emb-1")!;
    expect(one.key).toBe("acc-1");
    const decoded = decodeEvent(one, [EVENT_TYPES.loginAttempted]);
    expect(decoded.ok && decoded.event.data.source).toBe("eu-login");
  });

  it("keeps the status cache up to date from account.changed and ip.flagged", async () => {
    await log.bus.publish([accountChangedRecord("acc-old", LOCKED, "c-0")]);
    const { app, service } = ingestApp(log.bus);
    await service.start();
    const status = async (accountId: string, ip?: string) => {
      const res = await app.request(`/v1/accounts/${accountId}/status${ip ? `?ip=${ip}` : ""}`, {
        headers: { authorization: `Bearer ${EU_KEY}` },
      });
      expect(res.status).toBe(200);
      return (await res.json()) as Record<string, unknown>;
    };
    // Replayed from the beginning: a change made before this process started.
    await log.until(() => ((service.statusCache.accountCount ?? 0) > 0 ? true : undefined));
    expect(await status("acc-old")).toEqual(LOCKED);

    expect((await status("acc-new")).locked).toBe(false);
    await log.bus.publish([
      accountChangedRecord("acc-new", LOCKED, "c-1"),
      ipFlaggedRecord("198.51.100.77", Date.now() + 60_000, "f-1"),
    ]);
    await log.until(() => (service.statusCache.accountCount === 2 ? true : undefined));
    expect(await status("acc-new", "198.51.100.77")).toEqual({ ...LOCKED, ipFlagged: true });

    await log.bus.publish([
      accountChangedRecord(
        "acc-new",
        {
          ...LOCKED,
          locked: false,
          lockedAt: null,
          reason: null,
          blockedCountries: [],
          allowedCountries: [],
          travel: null,
        },
        "c-2",
      ),
    ]);
    await log.until(() => (service.statusCache.lockedCount === 1 ? true : undefined));
    expect((await status("acc-new")).locked).toBe(false);
    await log.until(() => (service.isStatusWarm() ? true : undefined), 10_000);
    await service.stop();
  });
  it("restarted while account.changed is replayed, never answers locked: false for a locked account", async () => {
    // Many changes, then one lock written last, so it sits at the end of its partition.
    const UNLOCKED = { ...LOCKED, locked: false, lockedAt: null, reason: null };
    const filler = Array.from({ length: 40_000 }, (_, n) =>
      accountChangedRecord(`replay-${n}`, n % 2 ? LOCKED : UNLOCKED, `replay-c-${n}`, 1),
    );
    for (let i = 0; i < filler.length; i += 2000) await log.bus.publish(filler.slice(i, i + 2000));
    await log.bus.publish([accountChangedRecord("replay-late", LOCKED, "replay-late-lock", 3)]);

    const answers = new Map<string, number>();
    const ask = async (app: Hono) => {
      const res = await app.request("/v1/accounts/replay-late/status", {
        headers: { authorization: `Bearer ${EU_KEY}` },
      });
      const body = (await res.json()) as { locked?: boolean; stale?: boolean };
      const kind =
        res.status === 503 ? "503" : `${res.status} locked=${body.locked} stale=${body.stale ?? false}`;
      answers.set(kind, (answers.get(kind) ?? 0) + 1);
    };
    // Three restarts mid-replay, asking all along; then one that runs to the end.
    for (let restart = 0; restart < 3; restart++) {
      const early = ingestApp(log.bus);
      await early.service.start();
      for (let n = 0; n < 5; n++) {
        await ask(early.app);
        await new Promise((r) => setTimeout(r, 1));
      }
      await early.service.stop();
    }
    const { app, service } = ingestApp(log.bus);
    await service.start();
    while (!service.isStatusWarm()) {
      await ask(app);
      await new Promise((r) => setImmediate(r));
    }
    const after = await app.request("/v1/accounts/replay-late/status", {
      headers: { authorization: `Bearer ${EU_KEY}` },
    });
    expect(await after.json()).toEqual(LOCKED);
    console.log("status answers during the replay:", Object.fromEntries(answers));
    // 503 (not known yet) or locked (stale while replaying): never locked: false.
    expect([...answers.keys()].every((k) => k === "503" || k.startsWith("200 locked=true"))).toBe(true);
    expect(answers.get("503") ?? 0).toBeGreaterThan(0);
    await service.stop();
  });

  it("answers 503, never 202, when the event log's database is gone", async () => {
    const { app } = ingestApp(log.bus, { publishTimeoutMs: 5000 });
    expect((await post(app, login())).status).toBe(202);
    await log.closeDatabase();
    const res = await post(app, login());
    expect(res.status).toBe(503);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
