import { mintPlayerToken, PLAYER_COOKIE } from "@loginguard/auth";
import { type Database, MEMORY_DATA_DIR, openDatabase } from "@loginguard/db";
import { TOPICS } from "@loginguard/events";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plusMinutes, recordedEvent, recordedLogin } from "../../test/fixtures";
import { RecordingBus } from "../../test/recording-bus";
import {
  asPlayer,
  PLAYER_SECRET,
  staffSession,
  startTestService,
  TestClock,
} from "../../test/service-fixture";
import type { AccountSecurityService } from "../service";

const T0 = "2026-03-01T12:00:00.000Z";

describe("account-security routes: security", () => {
  let db: Database;
  let bus: RecordingBus;
  let service: AccountSecurityService;
  let app: Hono;
  const clock = new TestClock(T0);

  beforeAll(async () => {
    db = await openDatabase({ dataDir: MEMORY_DATA_DIR });
    bus = new RecordingBus();
    ({ service, app } = await startTestService({ db, bus, clock }));
  });

  afterAll(async () => {
    await db?.close();
  });

  /** Locks `accountId` the way the stage does: a sign-in from Brazil ten minutes after Korea. */
  async function lock(accountId: string): Promise<string> {
    const login = recordedLogin({
      accountId,
      country: "BR",
      occurredAt: plusMinutes(T0, 10),
      history: { previousSuccess: { eventId: "p", country: "KR", occurredAt: T0 }, countriesSeen: ["KR"] },
    });
    await service.decideLogins([recordedEvent(login)]);
    expect((await service.accounts.get(accountId)).locked).toBe(true);
    return login.eventId;
  }

  it("throttles code guessing: 5 tries per code, 3 codes per 15 minutes", async () => {
    await lock("guessed");
    const player = await asPlayer(app, "guessed");
    const statuses: number[] = [];
    for (let round = 0; round < 4; round++) {
      const challenge = await player.send("POST", "/v1/me/unlock/challenge", {});
      statuses.push(challenge.status);
      if (challenge.status !== 202) break;
      for (let guess = 0; guess < 6; guess++) {
        const code = String(100_000 + round * 10 + guess);
        statuses.push((await player.send("POST", "/v1/me/unlock/verify", { code })).status);
      }
    }
    // 3 codes x (5 wrong answers, then refused), then the 4th request is refused.
    const round = [202, 400, 400, 400, 400, 400, 429];
    expect(statuses).toEqual([...round, ...round, ...round, 429]);
    expect((await service.accounts.get("guessed")).locked).toBe(true);
    const { rows } = await db.sql.query<{ tries: number }>(
      "SELECT tries FROM account_security.unlock_challenges WHERE account_id = 'guessed'",
    );
    expect(rows.map((r) => r.tries)).toEqual([5, 5, 5]);
  });

  it("answers a code request the same way whether the account is locked, unlocked or unknown", async () => {
    await lock("enum-locked");
    const unlockedAccount = await asPlayer(app, "enum-unlocked");
    await unlockedAccount.send("PUT", "/v1/me/settings", { allowedCountries: ["KR"] });
    const answers = [];
    for (const accountId of ["enum-locked", "enum-unlocked", "enum-never-seen"]) {
      const player = await asPlayer(app, accountId);
      const res = await player.send("POST", "/v1/me/unlock/challenge", { channel: "sms" });
      answers.push({ status: res.status, type: res.headers.get("content-type"), body: await res.text() });
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(answers[0]?.status).toBe(202);
    // Only the locked account was sent a code.
    const sent = bus.events(TOPICS.notificationRequested).map((e) => e.subject);
    expect(sent).toContain("enum-locked");
    expect(sent).not.toContain("enum-unlocked");
    expect(sent).not.toContain("enum-never-seen");
  });

  it("keeps players out of the staff routes", async () => {
    await lock("victim");
    const token = await mintPlayerToken("victim", PLAYER_SECRET);
    const asBearer = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const asCookie = { cookie: `${PLAYER_COOKIE}=${token}`, "content-type": "application/json" };
    for (const headers of [asBearer, asCookie]) {
      expect((await app.request("/v1/accounts/victim/security", { headers })).status).toBe(401);
      expect((await app.request("/v1/audit?accountId=victim", { headers })).status).toBe(401);
      const unlock = await app.request("/v1/accounts/victim/unlock", {
        method: "POST",
        headers,
        body: JSON.stringify({ reason: "let me in" }),
      });
      expect(unlock.status).toBe(401);
      expect(unlock.headers.get("content-type")).toBe("application/problem+json");
    }
    expect((await service.accounts.get("victim")).locked).toBe(true);
  });

  it("requires the CSRF token on staff changes made with a session cookie", async () => {
    await lock("csrf-target");
    const staff = staffSession();
    const post = (headers: Record<string, string>) =>
      app.request("/v1/accounts/csrf-target/unlock", {
        method: "POST",
        headers: { cookie: staff.cookie, "content-type": "application/json", ...headers },
        body: JSON.stringify({ reason: "ticket 7" }),
      });
    expect((await post({})).status).toBe(403);
    expect((await post({ "x-csrf-token": staffSession().csrf })).status).toBe(403);
    expect((await service.accounts.get("csrf-target")).locked).toBe(true);
    const audit = await app.request("/v1/audit?accountId=csrf-target", { headers: { cookie: staff.cookie } });
    expect(audit.status).toBe(200);
    expect((await audit.json()).items).toEqual([]);
    expect((await post({ "x-csrf-token": staff.csrf })).status).toBe(200);
    expect((await service.accounts.get("csrf-target")).locked).toBe(false);
  });

  it("never lets a player touch another account", async () => {
    const otherLogin = await lock("player-b");
    const a = await asPlayer(app, "player-a");
    const mine = await (await a.get("/v1/me/security")).json();
    expect(mine).toMatchObject({ accountId: "player-a", locked: false });
    const answer = await a.send("POST", `/v1/me/logins/${otherLogin}/answer`, { answer: "yes" });
    expect(answer.status).toBe(404);
    expect((await service.accounts.get("player-b")).knownCountries).toEqual([]);
    const huge = await a.send("POST", `/v1/me/logins/${"x".repeat(300)}/answer`, { answer: "no" });
    expect(huge.status).toBe(404);
  });

  it("refuses missing, forged and expired player tokens", async () => {
    expect((await app.request("/v1/me/security")).status).toBe(401);
    const forged = await mintPlayerToken("player-a", "another-secret-of-32-characters!!");
    expect(
      (await app.request("/v1/me/security", { headers: { authorization: `Bearer ${forged}` } })).status,
    ).toBe(401);
    const expired = await mintPlayerToken("player-a", PLAYER_SECRET, -60);
    expect(
      (await app.request("/v1/me/security", { headers: { authorization: `Bearer ${expired}` } })).status,
    ).toBe(401);
  });

  it("rejects unknown fields and non-JSON bodies", async () => {
    const player = await asPlayer(app, "strict");
    expect(
      (await player.send("PUT", "/v1/me/settings", { allowedCountries: [], locked: false })).status,
    ).toBe(400);
    const text = await app.request("/v1/me/unlock/verify", {
      method: "POST",
      headers: { authorization: `Bearer ${player.token}`, "content-type": "text/plain" },
      body: "123456",
    });
    expect(text.status).toBe(415);
  });
});
