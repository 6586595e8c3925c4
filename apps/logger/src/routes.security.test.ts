import {
  csrfTokenFor,
  mintPlayerToken,
  newSessionId,
  PLAYER_COOKIE,
  parseApiKeys,
  STAFF_COOKIE,
  type StaffRole,
  sealStaffSession,
} from "@loginguard/auth";
import { type Database, MEMORY_DATA_DIR, migrate, openDatabase } from "@loginguard/db";
import type { AuditRecorded } from "@loginguard/events";
import { createApp } from "@loginguard/http";
import { silentLogger } from "@loginguard/observability";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { located, stageContext, T0, WINDOWS } from "../test/fixtures";
import { loggerSchema } from "./migrations";
import { recordStage } from "./record-stage";
import { historyRoutes } from "./routes";

const PLAYER_SECRET = "player-secret-".padEnd(40, "x");
const STAFF_SECRET = "staff-secret-".padEnd(40, "y");
const ADMIN_KEY = "admin-key-".padEnd(32, "z");
const HTML = `<img src=x onerror="alert(1)">&amp;</script>`;

describe("history API access", () => {
  let db: Database;
  let app: Hono;
  const audited: Array<Omit<AuditRecorded, "at">> = [];
  let auditDown = false;
  const alice = located({ accountId: "alice", at: T0, ip: "203.0.113.45", userAgent: HTML, deviceId: HTML });
  const bob = located({ accountId: "bob", at: T0 + 1, ip: "198.51.100.66" });

  beforeAll(async () => {
    db = await openDatabase({ dataDir: MEMORY_DATA_DIR });
    await migrate(db, loggerSchema);
    const stage = recordStage({ db, windows: WINDOWS });
    await stage.handleBatch!([alice, bob], stageContext(stage.name));
    app = createApp({ service: "logger-test", logger: silentLogger() });
    app.route(
      "/",
      historyRoutes({
        db,
        playerTokenSecret: PLAYER_SECRET,
        staffSessionSecret: STAFF_SECRET,
        adminKeys: parseApiKeys(`ops:${ADMIN_KEY}`),
        audit: async (entry) => {
          if (auditDown) throw new Error("event log down");
          audited.push(entry);
        },
      }),
    );
  });

  afterAll(async () => {
    await db?.close();
  });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const staffCookie = (role: StaffRole, secret = STAFF_SECRET) => {
    const now = Date.now();
    const session = {
      sid: newSessionId(),
      staffId: "s1",
      email: "s@x",
      role,
      issuedAt: now,
      lastActiveAt: now,
    };
    return {
      cookie: `${STAFF_COOKIE}=${sealStaffSession(session, secret)}`,
      "x-csrf-token": csrfTokenFor(session.sid, secret),
    };
  };
  const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });

  it("requires a valid, unexpired player token signed with the player secret", async () => {
    expect((await get("/v1/me/logins")).status).toBe(401);
    expect(
      (await get("/v1/me/logins", bearer(await mintPlayerToken("alice", "other-secret".padEnd(40, "q")))))
        .status,
    ).toBe(401);
    expect(
      (await get("/v1/me/logins", bearer(await mintPlayerToken("alice", PLAYER_SECRET, -60)))).status,
    ).toBe(401);
    expect((await get("/v1/me/logins", bearer(ADMIN_KEY))).status).toBe(401);
    const res = await get("/v1/me/logins", bearer(await mintPlayerToken("alice", PLAYER_SECRET)));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("gives a player their own account only, by token or by cookie", async () => {
    const token = await mintPlayerToken("alice", PLAYER_SECRET);
    for (const headers of [bearer(token), { cookie: `${PLAYER_COOKIE}=${token}` }]) {
      const body = await (await get("/v1/me/logins?limit=100", headers)).json();
      expect(body.items.map((i: { eventId: string }) => i.eventId)).toEqual([alice.data.eventId]);
      expect(JSON.stringify(body)).not.toContain(bob.data.eventId);
    }
    const bobs = await (
      await get("/v1/me/logins", bearer(await mintPlayerToken("bob", PLAYER_SECRET)))
    ).json();
    expect(bobs.items.map((i: { eventId: string }) => i.eventId)).toEqual([bob.data.eventId]);
    // A player without history sees an empty list, never someone else's.
    const nobody = await (
      await get("/v1/me/logins", bearer(await mintPlayerToken("carol", PLAYER_SECRET)))
    ).json();
    expect(nobody).toEqual({ items: [], nextCursor: null });
  });

  it("turns players away from the staff route, their own account included", async () => {
    const token = await mintPlayerToken("alice", PLAYER_SECRET);
    for (const target of ["alice", "bob"]) {
      for (const headers of [bearer(token), { cookie: `${PLAYER_COOKIE}=${token}` }]) {
        const res = await get(`/v1/accounts/${target}/logins`, headers);
        expect(res.status).toBe(401);
        expect(res.headers.get("content-type")).toBe("application/problem+json");
        expect(await res.text()).not.toContain("203.0.113");
      }
    }
  });

  it("rejects forged staff sessions and wrong admin keys", async () => {
    expect(
      (await get("/v1/accounts/alice/logins", staffCookie("admin", "forged".padEnd(40, "f")))).status,
    ).toBe(401);
    expect((await get("/v1/accounts/alice/logins", bearer(`${ADMIN_KEY}x`))).status).toBe(401);
    expect((await get("/v1/accounts/alice/logins")).status).toBe(401);
  });

  it("shows the full IP to nobody in the list, only on an audited reveal with a reason", async () => {
    for (const headers of [staffCookie("support"), staffCookie("admin"), bearer(ADMIN_KEY)]) {
      const list = await (await get("/v1/accounts/alice/logins", headers)).json();
      expect(list.items[0].ipMasked).toBe("203.0.113.x");
      expect(list.items[0].ipRevealable).toBe(true);
      expect(JSON.stringify(list)).not.toContain("203.0.113.45");
    }
    const path = `/v1/accounts/alice/logins/${alice.data.eventId}/ip`;
    const post = (headers: Record<string, string>, body: unknown) =>
      app.request(path, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const support = staffCookie("support");
    expect((await post(support, {})).status).toBe(400);
    expect((await post(support, { reason: " " })).status).toBe(400);
    expect((await post({ cookie: support.cookie }, { reason: "ticket 7" })).status).toBe(403);
    expect((await post({}, { reason: "ticket 7" })).status).toBe(401);
    expect(audited).toHaveLength(0);
    // Another account's login id is not found through this account.
    expect(
      (
        await app.request(`/v1/accounts/bob/logins/${alice.data.eventId}/ip`, {
          method: "POST",
          headers: { ...support, "content-type": "application/json" },
          body: JSON.stringify({ reason: "x" }),
        })
      ).status,
    ).toBe(404);

    const res = await post(support, { reason: "ticket 7: player asks who signed in" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ eventId: alice.data.eventId, ip: "203.0.113.45" });
    expect(audited.at(-1)).toMatchObject({
      accountId: "alice",
      action: "ip_revealed",
      reason: "ticket 7: player asks who signed in",
      actor: { kind: "staff", id: "s1", email: "s@x" },
      details: { loginEventId: alice.data.eventId, role: "support" },
    });

    auditDown = true;
    const down = await post(support, { reason: "again" });
    auditDown = false;
    expect(down.status).toBe(503);
    expect(await down.text()).not.toContain("203.0.113.45");
  });

  it("returns HTML in userAgent and deviceId as JSON text, untouched", async () => {
    const res = await get("/v1/me/logins", bearer(await mintPlayerToken("alice", PLAYER_SECRET)));
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const item = (await res.json()).items[0];
    expect(item.userAgent).toBe(HTML);
    expect(item.deviceId).toBe(HTML);
    // The summary is plain text too: the first token of an unknown client, never markup.
    expect(item.device).toBe("<img");
  });

  it("rejects an over-long accountId", async () => {
    expect((await get(`/v1/accounts/${"a".repeat(129)}/logins`, bearer(ADMIN_KEY))).status).toBe(400);
  });

  it("with no staff session secret configured, takes admin keys only", async () => {
    const keysOnly = createApp({ service: "logger-test", logger: silentLogger() });
    keysOnly.route(
      "/",
      historyRoutes({ db, playerTokenSecret: PLAYER_SECRET, staffSessionSecret: null, adminKeys: new Map() }),
    );
    expect(
      (await keysOnly.request("/v1/accounts/alice/logins", { headers: staffCookie("admin") })).status,
    ).toBe(401);
  });
});
