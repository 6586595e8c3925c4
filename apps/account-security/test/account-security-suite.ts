import type { Emit } from "@loginguard/bus";
import type { Database } from "@loginguard/db";
import {
  type AccountChanged,
  type CloudEvent,
  type IpFlagged,
  type LoginRecorded,
  type NotificationRequested,
  type SecurityDecided,
  TOPICS,
} from "@loginguard/events";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRulesConfig } from "../src/rules/config-file";
import type { AccountSecurityService } from "../src/service";
import { plusMinutes, recordedEvent, recordedLogin } from "./fixtures";
import { RecordingBus } from "./recording-bus";
import { asPlayer, fromAddress, staffSession, startTestService, TestClock } from "./service-fixture";

/** How a backend's suite gets its database. */
export interface DatabaseFactory {
  open(): Promise<Database>;
  cleanup(): Promise<void>;
}

const T0 = "2026-03-01T12:00:00.000Z";

/**
 * account-security against a real database, written once: PGlite and PostgreSQL run the same
 * tests. Each test uses its own account ids, so the tests share one database.
 */
export function describeAccountSecurity(name: string, factory: () => Promise<DatabaseFactory>): void {
  describe(name, () => {
    let made: DatabaseFactory;
    let db: Database;
    let bus: RecordingBus;
    let clock: TestClock;
    let service: AccountSecurityService;
    let app: Hono;

    beforeAll(async () => {
      made = await factory();
      db = await made.open();
      bus = new RecordingBus();
      clock = new TestClock(T0);
      ({ service, app } = await startTestService({ db, bus, clock }));
    });

    afterAll(async () => {
      await db?.close();
      await made?.cleanup();
    });

    /** Runs logins through the stage handler as one chunk; answers what it would publish. */
    async function decide(...logins: LoginRecorded[]): Promise<Emit[]> {
      const results = await service.decideLogins(logins.map(recordedEvent));
      return results.flatMap((r) => (r === undefined ? [] : Array.isArray(r) ? (r as Emit[]) : [r as Emit]));
    }
    const ofTopic = <D>(emits: Emit[], topic: string) =>
      emits.filter((e) => e.topic === topic).map((e) => e.event as CloudEvent<string, D>);
    const published = <D>(topic: string, accountId: string) =>
      bus.events(topic).filter((e) => e.subject === accountId) as CloudEvent<string, D>[];

    /** A successful login in `country` after one in `from` `minutes` earlier (relative to T0). */
    function after(accountId: string, from: string, country: string, minutes: number, extra = {}) {
      return recordedLogin({
        accountId,
        country,
        occurredAt: plusMinutes(T0, minutes),
        history: {
          previousSuccess: { eventId: `${accountId}-prev`, country: from, occurredAt: T0 },
          countriesSeen: [from],
        },
        ...extra,
      });
    }

    async function lockByTravel(accountId: string): Promise<void> {
      const emits = await decide(after(accountId, "KR", "BR", 10));
      expect(ofTopic<AccountChanged>(emits, TOPICS.accountChanged)[0]?.data.change).toBe("locked");
    }

    it("keeps the audit trail append-only in the database", async () => {
      await db.sql.query(
        `INSERT INTO account_security.audit (at, actor_kind, account_id, action) VALUES (now(), 'system', 'audit-acc', 'test')`,
      );
      await expect(
        db.sql.query(`UPDATE account_security.audit SET reason = 'x' WHERE account_id = 'audit-acc'`),
      ).rejects.toThrow(/append-only/);
      await expect(
        db.sql.query(`DELETE FROM account_security.audit WHERE account_id = 'audit-acc'`),
      ).rejects.toThrow(/append-only/);
      await expect(db.sql.exec(`TRUNCATE account_security.audit`)).rejects.toThrow(/append-only/);
      const { rows } = await db.sql.query<{ n: number }>(
        `SELECT count(*) AS n FROM account_security.audit WHERE account_id = 'audit-acc'`,
      );
      expect(rows[0]?.n).toBe(1);
    });

    it("locks on impossible travel and publishes the same events when the login comes again", async () => {
      const first = recordedLogin({ accountId: "trav", country: "KR", occurredAt: T0 });
      expect(await decide(first)).toEqual([]);
      const login = after("trav", "KR", "BR", 10, { sessionId: "sess-br" });
      const emits = await decide(login);
      const [decided] = ofTopic<SecurityDecided>(emits, TOPICS.securityDecided);
      expect(decided?.data).toMatchObject({
        accountId: "trav",
        loginEventId: login.eventId,
        action: "lock",
        actions: ["lock", "kick", "notify"],
        country: "BR",
        sessionId: "sess-br",
        channels: ["email", "sms", "in_game"],
      });
      expect(decided?.data.reasons[0]?.code).toBe("impossible_travel");
      expect(decided?.correlationId).toBe(login.eventId);
      const [changed] = ofTopic<AccountChanged>(emits, TOPICS.accountChanged);
      expect(changed?.data).toMatchObject({
        change: "locked",
        by: { kind: "system", id: null },
        reason: "impossible_travel",
        loginEventId: login.eventId,
        state: { locked: true, reason: "impossible_travel", blockedCountries: [], allowedCountries: [] },
      });

      const again = await decide(login);
      expect(again).toEqual(emits);
      const { rows } = await db.sql.query<{ n: number }>(
        `SELECT count(*) AS n FROM account_security.decisions WHERE account_id = 'trav'`,
      );
      expect(rows[0]?.n).toBe(1);
    });

    it("notifies once for 30 failures and never locks on failures", async () => {
      const failures = Array.from({ length: 30 }, (_, i) =>
        recordedLogin({
          accountId: "burst",
          result: "failure",
          occurredAt: plusMinutes(T0, i / 6),
          history: { recentFailures: i + 1 },
        }),
      );
      const emits = [...(await decide(...failures.slice(0, 12))), ...(await decide(...failures.slice(12)))];
      const decided = ofTopic<SecurityDecided>(emits, TOPICS.securityDecided);
      expect(decided).toHaveLength(1);
      expect(decided[0]?.data).toMatchObject({ action: "notify", actions: ["notify"] });
      expect(decided[0]?.data.reasons).toEqual([
        {
          code: "failure_burst",
          action: "notify",
          mode: "enforce",
          evidence: { failures: 10, windowMinutes: 15 },
        },
      ]);
      expect(ofTopic(emits, TOPICS.accountChanged)).toEqual([]);
      expect((await service.accounts.get("burst")).locked).toBe(false);
    });

    it("flags an IP that failed on 50 accounts once, then takes a success from it for a takeover", async () => {
      const ip = "198.51.100.77";
      const failures = Array.from({ length: 50 }, (_, i) =>
        recordedLogin({
          accountId: `stuffed-${i}`,
          result: "failure",
          ip,
          occurredAt: plusMinutes(T0, i / 10),
          history: { recentFailures: 1, ipFailedAccounts: i + 1 },
        }),
      );
      const emits = await decide(...failures);
      const flags = ofTopic<IpFlagged>(emits, TOPICS.ipFlagged);
      expect(flags).toHaveLength(1);
      expect(flags[0]?.subject).toBe(ip);
      expect(flags[0]?.data).toMatchObject({ ip, failedAccounts: 20, until: plusMinutes(T0, 60) });
      expect(ofTopic(emits, TOPICS.securityDecided)).toEqual([]);

      const success = recordedLogin({
        accountId: "stuffed-victim",
        ip,
        country: "US",
        occurredAt: plusMinutes(T0, 30),
        history: {
          previousSuccess: { eventId: "v-prev", country: "KR", occurredAt: plusMinutes(T0, -24 * 60) },
          countriesSeen: ["KR"],
        },
      });
      const decided = ofTopic<SecurityDecided>(await decide(success), TOPICS.securityDecided);
      expect(decided[0]?.data.action).toBe("lock");
      expect(decided[0]?.data.reasons.map((r) => r.code)).toEqual([
        "takeover_suspected",
        "new_country",
        "credential_stuffing",
      ]);
      expect(decided[0]?.data.reasons[0]?.evidence).toMatchObject({ ipFailedAccounts: 20, country: "US" });
    });

    it("records shadow decisions with action null and changes nothing", async () => {
      const shadow = await startTestService({
        db,
        bus,
        clock,
        rules: parseRulesConfig({
          rules: { impossible_travel: { mode: "shadow" }, new_country: { mode: "shadow" } },
        }),
      });
      const results = await shadow.service.decideLogins([recordedEvent(after("shadowed", "KR", "BR", 10))]);
      const emits = results.flatMap((r) => (Array.isArray(r) ? (r as Emit[]) : r ? [r as Emit] : []));
      expect(emits.map((e) => e.topic)).toEqual([TOPICS.securityDecided]);
      const decided = emits[0]!.event.data as SecurityDecided;
      expect(decided.action).toBeNull();
      expect(decided.actions).toEqual([]);
      expect(decided.reasons.map((r) => r.mode)).toEqual(["shadow", "shadow"]);
      expect((await shadow.service.accounts.get("shadowed")).locked).toBe(false);
    });

    it("blocks a country the player does not allow, and unblocks it for a travel allowance", async () => {
      const player = await asPlayer(app, "homebody");
      const set = await player.send("PUT", "/v1/me/settings", { allowedCountries: ["KR"] });
      expect(set.status).toBe(200);
      expect(await set.json()).toMatchObject({ allowedCountries: ["KR"], travel: null, locked: false });
      expect(published<AccountChanged>(TOPICS.accountChanged, "homebody")[0]?.data).toMatchObject({
        change: "settings_changed",
        by: { kind: "player", id: "homebody" },
        state: { allowedCountries: ["KR"] },
      });

      const emits = await decide(after("homebody", "KR", "JP", 300));
      const decided = ofTopic<SecurityDecided>(emits, TOPICS.securityDecided)[0]!;
      expect(decided.data.action).toBe("block");
      expect(decided.data.reasons[0]).toMatchObject({
        code: "country_not_allowed",
        evidence: { allowedCountries: ["KR"] },
      });
      expect(ofTopic<AccountChanged>(emits, TOPICS.accountChanged)[0]?.data).toMatchObject({
        change: "country_blocked",
        reason: "country_not_allowed",
        state: { locked: false, blockedCountries: ["JP"] },
      });

      const until = plusMinutes(T0, 7 * 24 * 60);
      const travel = await player.send("PUT", "/v1/me/settings", {
        allowedCountries: ["KR"],
        travel: { country: "JP", until },
      });
      expect(await travel.json()).toMatchObject({ blockedCountries: [], travel: { country: "JP", until } });
      const next = await decide(after("homebody", "KR", "JP", 600));
      expect(ofTopic(next, TOPICS.accountChanged)).toEqual([]);
      // Covered by the allowance: no block, and no "new country" notice (docs/PROTECTION.md).
      expect(ofTopic<SecurityDecided>(next, TOPICS.securityDecided)).toEqual([]);
    });

    it("rejects settings with unknown countries or a travel end out of range", async () => {
      const player = await asPlayer(app, "settings-bad");
      const bad = async (body: unknown) => {
        const res = await player.send("PUT", "/v1/me/settings", body);
        expect(res.status).toBe(400);
        return (await res.json()) as { errors: Array<{ path: string }> };
      };
      expect((await bad({ allowedCountries: ["XX"] })).errors[0]?.path).toBe("allowedCountries.0");
      expect((await bad({ allowedCountries: ["kr"] })).errors[0]?.path).toBe("allowedCountries.0");
      const past = await bad({ allowedCountries: [], travel: { country: "JP", until: plusMinutes(T0, -1) } });
      expect(past.errors[0]?.path).toBe("travel.until");
      const far = await bad({
        allowedCountries: [],
        travel: { country: "JP", until: plusMinutes(T0, 91 * 24 * 60) },
      });
      expect(far.errors[0]?.path).toBe("travel.until");
      expect(published(TOPICS.accountChanged, "settings-bad")).toEqual([]);
    });

    it("unlocks with a code: 5 tries, 10-minute expiry, 3 requests per 15 minutes", async () => {
      const accountId = "unlocker";
      await lockByTravel(accountId);
      const player = await asPlayer(app, accountId);
      const challenge = () => player.send("POST", "/v1/me/unlock/challenge", { channel: "email" });
      const verify = (code: string) => player.send("POST", "/v1/me/unlock/verify", { code });
      const lastCode = () => {
        const sent = published<NotificationRequested>(TOPICS.notificationRequested, accountId).at(-1)!;
        expect(sent.data).toMatchObject({ template: "unlock_code", channel: "email" });
        return sent.data.params.code!;
      };
      const wrongOf = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

      const first = await challenge();
      expect(first.status).toBe(202);
      expect(await first.json()).toEqual({
        status: "accepted",
        channel: "email",
        expiresAt: plusMinutes(T0, 10),
      });
      const code1 = lastCode();
      expect(code1).toMatch(/^\d{6}$/);
      for (let left = 4; left >= 0; left--) {
        const res = await verify(wrongOf(code1));
        expect(res.status).toBe(400);
        expect(await res.json()).toMatchObject({
          type: expect.stringMatching(/unlock-code-wrong$/),
          triesLeft: left,
        });
      }
      const exhausted = await verify(code1);
      expect(exhausted.status).toBe(429);
      expect((await exhausted.json()).type).toMatch(/unlock-tries-exhausted$/);

      expect((await challenge()).status).toBe(202);
      const code2 = lastCode();
      clock.advanceMinutes(11);
      const expired = await verify(code2);
      expect(expired.status).toBe(400);
      expect((await expired.json()).type).toMatch(/unlock-code-expired$/);

      expect((await challenge()).status).toBe(202);
      const limited = await challenge();
      expect(limited.status).toBe(429);
      expect(limited.headers.get("retry-after")).toBe("240");

      clock.advanceMinutes(5);
      expect((await challenge()).status).toBe(202);
      const ok = await verify(lastCode());
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ unlocked: true, locked: false });
      expect(published<AccountChanged>(TOPICS.accountChanged, accountId).at(-1)?.data).toMatchObject({
        change: "unlocked",
        by: { kind: "player", id: accountId },
        reason: "unlock_code",
        state: { locked: false, lockedAt: null, reason: null },
      });
      expect(
        published<NotificationRequested>(TOPICS.notificationRequested, accountId).at(-1)?.data,
      ).toMatchObject({
        template: "account_unlocked",
        params: { by: "player" },
      });
      const state = await (await player.get("/v1/me/security")).json();
      expect(state).toMatchObject({ locked: false, unlock: null });
      const { rows } = await db.sql.query<{ code_hash: Uint8Array | null }>(
        `SELECT code_hash FROM account_security.unlock_challenges WHERE account_id = $1`,
        [accountId],
      );
      expect(rows.length).toBe(4);
      for (const row of rows) expect(Buffer.from(row.code_hash!).toString("utf8")).not.toContain(code1);
    });

    it("lets staff unlock with a reason: audited with who, why and from where, and the player is told", async () => {
      const accountId = "staff-unlocked";
      await lockByTravel(accountId);
      const staff = staffSession("support", "agent@example.com");
      const unlock = (body: unknown) =>
        app.request(
          `/v1/accounts/${accountId}/unlock`,
          {
            method: "POST",
            headers: { cookie: staff.cookie, "x-csrf-token": staff.csrf, "content-type": "application/json" },
            body: JSON.stringify(body),
          },
          fromAddress("::ffff:198.51.100.23"),
        );
      expect((await unlock({ reason: "  " })).status).toBe(400);
      expect((await unlock({ reason: "x".repeat(2001) })).status).toBe(400);
      const res = await unlock({ reason: "Verified the player's identity by phone" });
      expect(res.status).toBe(200);
      expect((await unlock({ reason: "again" })).status).toBe(409);

      const audit = await app.request(`/v1/audit?accountId=${accountId}`, {
        headers: { cookie: staff.cookie },
      });
      const { items } = (await audit.json()) as { items: Array<Record<string, unknown>> };
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        accountId,
        action: "unlock",
        reason: "Verified the player's identity by phone",
        actor: { kind: "staff", id: staff.staffId, email: staff.email },
        clientIp: "198.51.100.23",
        at: clock.now().toISOString(),
        details: { lockReason: "impossible_travel", role: "support", via: "session" },
      });
      expect(published<AccountChanged>(TOPICS.accountChanged, accountId).at(-1)?.data).toMatchObject({
        change: "unlocked",
        by: { kind: "staff", id: staff.staffId },
        reason: "Verified the player's identity by phone",
        state: { locked: false },
      });
      expect(
        published<NotificationRequested>(TOPICS.notificationRequested, accountId).at(-1)?.data,
      ).toMatchObject({
        template: "account_unlocked",
        params: { by: "staff" },
      });

      const view = await app.request(`/v1/accounts/${accountId}/security?lang=en`, {
        headers: { cookie: staff.cookie },
      });
      const body = await view.json();
      expect(body.state.locked).toBe(false);
      expect(body.decisions[0].action).toBe("lock");
      expect(body.decisions[0].reasons[0]).toMatchObject({
        code: "impossible_travel",
        evidence: { country: "BR" },
      });
      expect(body.decisions[0].explanation).toMatch(/^We locked your account: a sign-in from Brazil/);
    });

    it("pages the audit trail with a cursor, newest first", async () => {
      for (const n of [1, 2, 3]) await lockByTravel(`paged-${n}`);
      const admin = {
        authorization: "Bearer admin-key-for-tests-0123456789",
        "content-type": "application/json",
      };
      for (const n of [1, 2, 3]) {
        const res = await app.request(`/v1/accounts/paged-${n}/unlock`, {
          method: "POST",
          headers: admin,
          body: JSON.stringify({ reason: `ticket ${n}` }),
        });
        expect(res.status).toBe(200);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `&cursor=${cursor}` : "";
        const res = await app.request(`/v1/audit?limit=2${query}`, { headers: admin });
        const page = (await res.json()) as { items: Array<{ reason: string }>; nextCursor: string | null };
        seen.push(...page.items.map((i) => i.reason));
        cursor = page.nextCursor;
      } while (cursor && seen.length < 100);
      expect(seen.slice(0, 3)).toEqual(["ticket 3", "ticket 2", "ticket 1"]);
      expect((await app.request("/v1/audit?cursor=bogus", { headers: admin })).status).toBe(400);
      expect((await app.request("/v1/audit?limit=0", { headers: admin })).status).toBe(400);
    });

    it("answers 'was this you?': yes makes the country known, no locks and kicks", async () => {
      const accountId = "answerer";
      const jp = after(accountId, "KR", "JP", 300);
      expect(
        ofTopic<SecurityDecided>(await decide(jp), TOPICS.securityDecided)[0]?.data.reasons[0]?.code,
      ).toBe("new_country");
      const player = await asPlayer(app, accountId);
      const yes = await player.send("POST", `/v1/me/logins/${jp.eventId}/answer`, { answer: "yes" });
      expect(yes.status).toBe(200);
      expect(await yes.json()).toMatchObject({
        answer: "yes",
        country: "JP",
        knownCountries: ["JP"],
        locked: false,
      });
      expect(await decide(after(accountId, "KR", "JP", 900))).toEqual([]);

      const vn = after(accountId, "KR", "VN", 1200, { sessionId: "sess-vn", gameId: "g1" });
      await decide(vn);
      const answerNo = () => player.send("POST", `/v1/me/logins/${vn.eventId}/answer`, { answer: "no" });
      const no = await answerNo();
      expect(no.status).toBe(200);
      expect(await no.json()).toMatchObject({ answer: "no", locked: true });
      const denied = published<SecurityDecided>(TOPICS.securityDecided, accountId).at(-1)!;
      expect(denied.data).toMatchObject({
        loginEventId: vn.eventId,
        action: "lock",
        actions: ["lock", "kick"],
        sessionId: "sess-vn",
        gameId: "g1",
        reasons: [{ code: "player_denied_login", mode: "enforce", evidence: { country: "VN" } }],
      });
      expect(denied.correlationId).toBe(vn.eventId);
      expect(published<AccountChanged>(TOPICS.accountChanged, accountId).at(-1)?.data).toMatchObject({
        change: "locked",
        by: { kind: "player", id: accountId },
        reason: "player_denied_login",
      });
      expect(
        published<NotificationRequested>(TOPICS.notificationRequested, accountId).at(-1)?.data,
      ).toMatchObject({
        template: "account_locked_by_player",
        params: { country: "VN", loginEventId: vn.eventId },
      });
      const before = bus.records.length;
      expect((await answerNo()).status).toBe(200);
      const repeated = bus.records.slice(before).map((r) => r.headers.ce_id);
      expect(repeated.length).toBeGreaterThan(0);
      const firstIds = new Set(bus.records.slice(0, before).map((r) => r.headers.ce_id));
      for (const id of repeated) expect(firstIds.has(id)).toBe(true);

      const stranger = await asPlayer(app, "someone-else");
      const foreign = await stranger.send("POST", `/v1/me/logins/${vn.eventId}/answer`, { answer: "no" });
      expect(foreign.status).toBe(404);
      expect((await service.accounts.get("someone-else")).locked).toBe(false);
    });

    it("publishes a change made while the event log was down once it is back", async () => {
      const accountId = "outage";
      await lockByTravel(accountId);
      bus.down = true;
      try {
        const res = await app.request(`/v1/accounts/${accountId}/unlock`, {
          method: "POST",
          headers: {
            authorization: "Bearer admin-key-for-tests-0123456789",
            "content-type": "application/json",
          },
          body: JSON.stringify({ reason: "support ticket 42" }),
        });
        expect(res.status).toBe(200);
        expect(published(TOPICS.accountChanged, accountId)).toEqual([]);
      } finally {
        bus.down = false;
      }
      expect(await service.outbox.flush()).toBeGreaterThanOrEqual(2);
      expect(published<AccountChanged>(TOPICS.accountChanged, accountId).at(-1)?.data.change).toBe(
        "unlocked",
      );
      expect(await service.outbox.flush()).toBe(0);
    });
  });
}
