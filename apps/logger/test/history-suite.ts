import { mintPlayerToken, parseApiKeys } from "@loginguard/auth";
import type { Emit } from "@loginguard/bus";
import type { Database } from "@loginguard/db";
import type { HistoryContext, LoginRecorded } from "@loginguard/events";
import { createApp } from "@loginguard/http";
import { silentLogger } from "@loginguard/observability";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAILURE_COUNT_CAP } from "../src/history-context";
import { outcomeStage } from "../src/outcome-stage";
import { recordStage } from "../src/record-stage";
import { applyRetention } from "../src/retention";
import { historyRoutes } from "../src/routes";
import {
  completed,
  DAY,
  type DatabaseFactory,
  decided,
  iso,
  located,
  MINUTE,
  stageContext,
  T0,
  WINDOWS,
} from "./fixtures";

const PLAYER_SECRET = "p".repeat(40);
const ADMIN_KEY = "admin-key-0123456789abcdef";

/**
 * The logger's behaviour against one database backend, written once: PGlite and PostgreSQL run
 * the same tests (test/pglite.test.ts, test/postgres.int.test.ts).
 */
export function describeLoggerStore(name: string, factory: () => Promise<DatabaseFactory>): void {
  describe(name, () => {
    let made: DatabaseFactory;
    let db: Database;
    let app: Hono;
    let accounts = 0;
    /** An account id of its own per test, so tests share one database without seeing each other. */
    const account = () => `acct-${name.replace(/\W/g, "")}-${++accounts}`;

    beforeAll(async () => {
      made = await factory();
      db = await made.open();
      app = createApp({ service: "logger-test", logger: silentLogger() });
      app.route(
        "/",
        historyRoutes({
          db,
          playerTokenSecret: PLAYER_SECRET,
          staffSessionSecret: null,
          adminKeys: parseApiKeys(`ops:${ADMIN_KEY}`),
        }),
      );
    });

    afterAll(async () => {
      await db?.close();
      await made?.cleanup();
    });

    const record = async (events: ReturnType<typeof located>[], windows = WINDOWS): Promise<Emit[]> => {
      const stage = recordStage({ db, windows });
      const results = await stage.handleBatch!(events, stageContext(stage.name));
      return results as Emit[];
    };
    const historyOf = (emit: Emit) => (emit.event.data as LoginRecorded).history;
    const contextOf = async (event: ReturnType<typeof located>): Promise<HistoryContext> =>
      historyOf((await record([event]))[0]!);
    const outcomes = async (
      events: Parameters<NonNullable<ReturnType<typeof outcomeStage>["handleBatch"]>>[0],
    ) => {
      const stage = outcomeStage({ db });
      expect(await stage.handleBatch!(events, stageContext(stage.name))).toEqual(events.map(() => undefined));
    };
    const asAdmin = (path: string) =>
      app.request(path, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    const asPlayer = async (accountId: string, path: string, headers: Record<string, string> = {}) =>
      app.request(path, {
        headers: { authorization: `Bearer ${await mintPlayerToken(accountId, PLAYER_SECRET)}`, ...headers },
      });

    describe("history context", () => {
      it("a first login has no past", async () => {
        const a = account();
        const ctx = await contextOf(located({ accountId: a, at: T0, ip: "198.51.100.1" }));
        expect(ctx).toEqual({
          previousSuccess: null,
          countriesSeen: [],
          windowDays: 90,
          recentFailures: 0,
          failureWindowMinutes: 15,
          ipFailedAccounts: 0,
          deviceSeen: null,
        });
      });

      it("finds the previous success strictly before, skipping failures and later logins", async () => {
        const a = account();
        const first = located({ accountId: a, at: T0 - 3 * DAY, country: "KR" });
        const second = located({ accountId: a, at: T0 - DAY, country: "JP" });
        const failure = located({ accountId: a, at: T0 - MINUTE, result: "failure", country: "US" });
        const later = located({ accountId: a, at: T0 + DAY, country: "FR" });
        await record([first, second, failure, later]);
        const ctx = await contextOf(located({ accountId: a, at: T0, country: "BR" }));
        expect(ctx.previousSuccess).toEqual({
          eventId: second.data.eventId,
          country: "JP",
          occurredAt: iso(T0 - DAY),
        });
        expect(ctx.countriesSeen).toEqual(["JP", "KR"]);
      });

      it("counts countries within the window, its first instant included, this login excluded", async () => {
        const a = account();
        await record([
          located({ accountId: a, at: T0 - 90 * DAY - 1, country: "DE" }),
          located({ accountId: a, at: T0 - 90 * DAY, country: "KR" }),
          located({ accountId: a, at: T0 - DAY, country: null, ipClass: "private", ip: "10.0.0.1" }),
          located({ accountId: a, at: T0 - MINUTE, country: "VN", result: "failure" }),
        ]);
        const ctx = await contextOf(located({ accountId: a, at: T0, country: "BR" }));
        expect(ctx.countriesSeen).toEqual(["KR"]);
        // The private-address login is still the previous success, without a country.
        expect(ctx.previousSuccess).toMatchObject({ country: null, occurredAt: iso(T0 - DAY) });
        // One millisecond later the KR login has left the window; the BR one just recorded counts.
        const later = await contextOf(located({ accountId: a, at: T0 + 1, country: "BR" }));
        expect(later.countriesSeen).toEqual(["BR"]);
      });

      it("says whether the login's device was on a successful login of the account in the window", async () => {
        const a = account();
        await record([
          located({ accountId: a, at: T0 - 91 * DAY, deviceId: "old-phone" }),
          located({ accountId: a, at: T0 - DAY, deviceId: "phone" }),
          located({ accountId: a, at: T0 - MINUTE, deviceId: "thief", result: "failure" }),
        ]);
        expect((await contextOf(located({ accountId: a, at: T0, deviceId: "phone" }))).deviceSeen).toBe(true);
        // A failure does not make a device known; nor does a success outside the window.
        expect((await contextOf(located({ accountId: a, at: T0, deviceId: "thief" }))).deviceSeen).toBe(
          false,
        );
        expect((await contextOf(located({ accountId: a, at: T0, deviceId: "old-phone" }))).deviceSeen).toBe(
          false,
        );
        // Unknown: no device named, or nothing to compare with.
        expect((await contextOf(located({ accountId: a, at: T0 }))).deviceSeen).toBeNull();
        const b = account();
        await record([located({ accountId: b, at: T0 - DAY })]);
        expect((await contextOf(located({ accountId: b, at: T0, deviceId: "phone" }))).deviceSeen).toBeNull();
      });

      it("keeps no country for a private address even if one came with it", async () => {
        const a = account();
        await record([
          located({ accountId: a, at: T0 - DAY, country: "KR", ipClass: "private", ip: "192.168.0.9" }),
        ]);
        expect((await contextOf(located({ accountId: a, at: T0 }))).countriesSeen).toEqual([]);
      });

      it("counts the account's failures in the failure window, this one included", async () => {
        const a = account();
        const ip = "198.51.100.20";
        await record([
          located({ accountId: a, at: T0 - 15 * MINUTE - 1, result: "failure", ip }),
          located({ accountId: a, at: T0 - 15 * MINUTE, result: "failure", ip }),
          located({ accountId: a, at: T0 - MINUTE, result: "failure", ip }),
          located({ accountId: a, at: T0 - 30 * 1000, ip }),
        ]);
        const failure = await contextOf(located({ accountId: a, at: T0, result: "failure", ip }));
        expect(failure).toMatchObject({ recentFailures: 3, failureWindowMinutes: 15 });
        // One millisecond later the window's first failure has left it.
        expect((await contextOf(located({ accountId: a, at: T0 + 1, ip }))).recentFailures).toBe(2);
      });

      it("counts distinct accounts an IP failed on, across accounts and spellings", async () => {
        const ip = "192.0.2.77";
        const [a, b, c, d] = [account(), account(), account(), account()];
        await record([
          located({ accountId: a, at: T0 - 2 * MINUTE, result: "failure", ip }),
          located({ accountId: a, at: T0 - 2 * MINUTE + 1, result: "failure", ip }),
          // The same address seen through a dual-stack socket.
          located({ accountId: b, at: T0 - MINUTE, result: "failure", ip: `::ffff:${ip}`, normalizedIp: ip }),
          located({ accountId: c, at: T0 - 20 * MINUTE, result: "failure", ip }),
          located({ accountId: c, at: T0 - MINUTE, result: "failure", ip: "192.0.2.78" }),
        ]);
        const success = await contextOf(located({ accountId: d, at: T0, ip }));
        expect(success.ipFailedAccounts).toBe(2);
        const failure = await contextOf(located({ accountId: d, at: T0 + 1, ip, result: "failure" }));
        expect(failure.ipFailedAccounts).toBe(3);
      });

      it("lets logins of one account inside one chunk see each other in order", async () => {
        const a = account();
        const ip = "203.0.113.50";
        const chunk = [
          located({ accountId: a, at: T0, country: "KR", ip }),
          located({ accountId: a, at: T0 + MINUTE, result: "failure", country: "BR", ip }),
          located({ accountId: a, at: T0 + 2 * MINUTE, result: "failure", country: "BR", ip }),
          located({ accountId: a, at: T0 + 3 * MINUTE, country: "BR", ip }),
        ];
        const [first, second, third, fourth] = (await record(chunk)).map(historyOf);
        expect(first).toMatchObject({ previousSuccess: null, recentFailures: 0, ipFailedAccounts: 0 });
        expect(second).toMatchObject({ recentFailures: 1, ipFailedAccounts: 1 });
        expect(third).toMatchObject({ recentFailures: 2, ipFailedAccounts: 1 });
        expect(fourth).toMatchObject({
          previousSuccess: { eventId: chunk[0]!.data.eventId, country: "KR", occurredAt: iso(T0) },
          countriesSeen: ["KR"],
          recentFailures: 2,
          ipFailedAccounts: 1,
        });
      });

      it("orders logins with equal timestamps by eventId", async () => {
        const a = account();
        const x = located({ accountId: a, at: T0, country: "KR", eventId: `${a}-x` });
        const y = located({ accountId: a, at: T0, country: "JP", eventId: `${a}-y` });
        const [hy, hx] = (await record([y, x])).map(historyOf);
        expect(hy!.previousSuccess?.eventId).toBe(x.data.eventId);
        expect(hx!.previousSuccess).toBeNull();
      });

      it("stops counting failures at the cap", async () => {
        const a = account();
        const ip = "198.51.100.99";
        const burst = Array.from({ length: FAILURE_COUNT_CAP + 5 }, (_, i) =>
          located({ accountId: a, at: T0 - 5 * MINUTE + i, result: "failure", ip }),
        );
        await record(burst);
        const ctx = await contextOf(located({ accountId: a, at: T0, result: "failure", ip }));
        expect(ctx.recentFailures).toBe(FAILURE_COUNT_CAP);
        expect(ctx.ipFailedAccounts).toBe(1);
      });
    });

    describe("redelivery", () => {
      it("re-emits the very same login.recorded and keeps one line", async () => {
        const a = account();
        const login = located({ accountId: a, at: T0, country: "KR" });
        const [firstEmit] = await record([login]);
        // Something recorded since would change a recomputed context.
        await record([located({ accountId: a, at: T0 - MINUTE, country: "US" })]);
        const [again] = await record([login]);
        expect(again).toEqual(firstEmit);
        expect(firstEmit!.event).toMatchObject({
          type: "loginguard.login.recorded.v1",
          source: "loginguard/logger",
          subject: a,
          correlationId: login.correlationId,
        });
        expect(firstEmit!.event.id).not.toBe(login.id);
        const { rows } = await db.sql.query<{ n: number }>(
          "SELECT count(*) AS n FROM logger.logins WHERE event_id = $1",
          [login.data.eventId],
        );
        expect(rows[0]?.n).toBe(1);
      });

      it("handles the same login twice in one chunk and a redelivery next to new logins", async () => {
        const a = account();
        const login = located({ accountId: a, at: T0, country: "KR" });
        const [one, two] = await record([login, login]);
        expect(two).toEqual(one);
        const next = located({ accountId: a, at: T0 + MINUTE, country: "JP" });
        const [replayed, fresh] = await record([login, next]);
        expect(replayed).toEqual(one);
        expect(historyOf(fresh!).previousSuccess?.eventId).toBe(login.data.eventId);
      });

      it("passes the located login on unchanged with its context", async () => {
        const a = account();
        const login = located({
          accountId: a,
          at: T0,
          userAgent: "<b>ua</b>",
          deviceId: "dev-1",
          sessionId: "s-1",
        });
        const [emit] = await record([login]);
        const { history, ...rest } = emit!.event.data as LoginRecorded;
        expect(rest).toEqual(login.data);
        expect(history.windowDays).toBe(90);
      });
    });

    describe("outcomes on the history line", () => {
      it("shows the strongest enforced action, reasons, explanation and deliveries, even when they came first", async () => {
        const a = account();
        const login = located({ accountId: a, at: T0, country: "BR" });
        const decision = decided(login, {
          action: "lock",
          actions: ["lock", "kick", "notify"],
          reasons: [
            {
              code: "impossible_travel",
              action: "lock",
              mode: "enforce",
              evidence: { country: "BR", previousCountry: "KR", elapsedMinutes: 10, distanceKm: 18300 },
            },
            { code: "new_country", action: "notify", mode: "enforce", evidence: { country: "BR" } },
            {
              code: "credential_stuffing",
              action: "notify",
              mode: "shadow",
              evidence: { ipFailedAccounts: 9 },
            },
          ],
        });
        const done = completed(decision, [
          {
            channel: "email",
            kind: "notification",
            outcome: "failed",
            providerId: null,
            detail: "550 no mailbox",
          },
          { channel: "sms", kind: "notification", outcome: "delivered", providerId: "SM123", detail: null },
          { channel: "webhook", kind: "player.kick", outcome: "delivered", providerId: null, detail: null },
        ]);
        // Outcomes first (a different topic can be consumed ahead), then the login; twice each.
        await outcomes([decision, done]);
        await outcomes([decision, done]);
        await record([login]);

        const res = await asPlayer(a, "/v1/me/logins?lang=en");
        expect(res.status).toBe(200);
        const body = await res.json();
        expect(body.items).toHaveLength(1);
        const item = body.items[0];
        expect(item).toMatchObject({
          eventId: login.data.eventId,
          action: "lock",
          reasons: ["impossible_travel", "new_country"],
          country: "BR",
          countryName: "Brazil",
        });
        expect(item.explanation).toMatch(
          /^We locked your account: a sign-in from Brazil came 10 minutes after/,
        );
        expect(item.explanation).not.toMatch(/different accounts/);
        expect(item.notifications).toEqual([
          { channel: "email", kind: "notification", outcome: "failed", at: done.time },
          { channel: "sms", kind: "notification", outcome: "delivered", at: done.time },
          { channel: "webhook", kind: "player.kick", outcome: "delivered", at: done.time },
        ]);

        const staff = (await (await asAdmin(`/v1/accounts/${a}/logins?lang=ko`)).json()).items[0];
        expect(staff.decisions).toHaveLength(1);
        expect(staff.decisions[0].reasons.map((r: { mode: string }) => r.mode)).toEqual([
          "enforce",
          "enforce",
          "shadow",
        ]);
        expect(staff.notifications[0]).toMatchObject({ providerId: null, detail: "550 no mailbox" });
        expect(staff.explanation).toMatch(/^계정을 잠갔습니다/);
      });

      it("records shadow-only decisions without showing them to the player as actions", async () => {
        const a = account();
        const login = located({ accountId: a, at: T0, country: "BR" });
        await record([login]);
        await outcomes([
          decided(login, {
            action: null,
            actions: [],
            reasons: [{ code: "new_country", action: "notify", mode: "shadow", evidence: { country: "BR" } }],
          }),
        ]);
        const item = (await (await asPlayer(a, "/v1/me/logins")).json()).items[0];
        expect(item).toMatchObject({ action: null, reasons: [], explanation: null });
        const staff = (await (await asAdmin(`/v1/accounts/${a}/logins`)).json()).items[0];
        expect(staff.decisions[0]).toMatchObject({
          action: null,
          reasons: [{ code: "new_country", mode: "shadow" }],
        });
        expect(staff.decisions[0].explanation).toContain("Brazil");
      });

      it("takes the strongest action across several decisions and ignores another account's", async () => {
        const a = account();
        const login = located({ accountId: a, at: T0, country: "BR" });
        await record([login]);
        const stray = decided(login, { accountId: "someone-else", action: "lock", actions: ["lock"] });
        await outcomes([
          decided(login),
          decided(login, {
            action: "lock",
            actions: ["lock", "kick"],
            reasons: [{ code: "player_denied_login", action: "lock", mode: "enforce", evidence: {} }],
          }),
          stray,
        ]);
        const item = (await (await asPlayer(a, "/v1/me/logins")).json()).items[0];
        expect(item.action).toBe("lock");
        expect(item.reasons).toEqual(["new_country", "player_denied_login"]);
        const staff = (await (await asAdmin(`/v1/accounts/${a}/logins`)).json()).items[0];
        expect(staff.decisions.map((d: { decisionId: string }) => d.decisionId)).not.toContain(stray.id);
      });
    });

    describe("paging", () => {
      it("lists newest first with a stable order for equal timestamps, across pages", async () => {
        const a = account();
        // 25 logins on 9 distinct instants: several share a timestamp.
        const logins = Array.from({ length: 25 }, (_, i) =>
          located({
            accountId: a,
            at: T0 + Math.floor(i / 3) * MINUTE,
            eventId: `${a}-e${String(i).padStart(2, "0")}`,
          }),
        );
        await record(logins.slice(0, 12));
        await record(logins.slice(12));
        const expected = [...logins]
          .sort((x, y) =>
            x.data.occurredAt === y.data.occurredAt
              ? y.data.eventId < x.data.eventId
                ? -1
                : 1
              : Date.parse(y.data.occurredAt) - Date.parse(x.data.occurredAt),
          )
          .map((l) => l.data.eventId);

        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const path: string = `/v1/me/logins?limit=10${cursor ? `&cursor=${cursor}` : ""}`;
          const body = (await (await asPlayer(a, path)).json()) as {
            items: Array<{ eventId: string }>;
            nextCursor: string | null;
          };
          seen.push(...body.items.map((i) => i.eventId));
          cursor = body.nextCursor;
          pages += 1;
        } while (cursor && pages < 10);
        expect(pages).toBe(3);
        expect(seen).toEqual(expected);

        // A page that ends exactly at the last line says so.
        const all = await (await asPlayer(a, "/v1/me/logins?limit=25")).json();
        expect(all.items).toHaveLength(25);
        expect(all.nextCursor).toBeNull();
      });

      it("defaults to 20 lines and rejects bad limits and cursors", async () => {
        const a = account();
        await record(Array.from({ length: 21 }, (_, i) => located({ accountId: a, at: T0 + i })));
        const first = await (await asPlayer(a, "/v1/me/logins")).json();
        expect(first.items).toHaveLength(20);
        expect(first.nextCursor).toEqual(expect.any(String));
        expect((await (await asPlayer(a, "/v1/me/logins?limit=100")).json()).items).toHaveLength(21);
        for (const query of [
          "limit=0",
          "limit=101",
          "limit=abc",
          "limit=1.5",
          "limit=-1",
          "cursor=%%%",
          "cursor=bm9wZQ",
        ]) {
          const res = await asPlayer(a, `/v1/me/logins?${query}`);
          expect(res.status, query).toBe(400);
          expect(res.headers.get("content-type")).toBe("application/problem+json");
        }
      });
    });

    describe("what a line shows", () => {
      it("masks the IP for players and staff; keeps it in full for the audited reveal only", async () => {
        const a = account();
        await record([
          located({ accountId: a, at: T0, ip: "203.0.113.45" }),
          located({ accountId: a, at: T0 + 1, ip: "2001:db8:85a3:1:2:3:4:5", country: "US" }),
          located({
            accountId: a,
            at: T0 + 2,
            ip: "::ffff:198.51.100.23",
            normalizedIp: "198.51.100.23",
            country: "JP",
          }),
          located({ accountId: a, at: T0 + 3, ip: "10.1.2.3", ipClass: "private", country: null }),
        ]);
        const player = await (await asPlayer(a, "/v1/me/logins")).json();
        expect(player.items.map((i: { ipMasked: string }) => i.ipMasked)).toEqual([
          "10.1.2.x",
          "198.51.100.x",
          "2001:db8:85a3:x:x:x:x:x",
          "203.0.113.x",
        ]);
        expect(player.items[0].country).toBeNull();
        const text = JSON.stringify(player);
        for (const full of ["203.0.113.45", "2001:db8:85a3:1:2:3:4:5", "198.51.100.23", "10.1.2.3"]) {
          expect(text).not.toContain(full);
        }
        const admin = await (await asAdmin(`/v1/accounts/${a}/logins`)).json();
        expect(admin.items.map((i: { ipRevealable: boolean }) => i.ipRevealable)).toEqual([
          true,
          true,
          true,
          true,
        ]);
        for (const full of ["203.0.113.45", "2001:db8:85a3:1:2:3:4:5", "198.51.100.23", "10.1.2.3"]) {
          expect(JSON.stringify(admin)).not.toContain(full);
        }
        const stored = await db.sql.query<{ ip: string }>(
          "SELECT ip FROM logger.logins WHERE account_id = $1 ORDER BY occurred_at DESC",
          [a],
        );
        expect(stored.rows.map((r) => r.ip)).toEqual([
          "10.1.2.3",
          "198.51.100.23",
          "2001:db8:85a3:1:2:3:4:5",
          "203.0.113.45",
        ]);
      });
    });

    describe("retention", () => {
      it("reduces old IPs to the masked form and deletes old lines with their outcomes", async () => {
        const a = account();
        // Long before every other test's logins, so this run touches only this test's lines.
        const now = T0 - 3000 * DAY;
        const ancient = located({ accountId: a, at: now - 365 * DAY - 1, ip: "198.51.100.1" });
        const oldest = located({ accountId: a, at: now - 365 * DAY, ip: "198.51.100.2" });
        const old = located({ accountId: a, at: now - 90 * DAY - 1, ip: "198.51.100.3" });
        const recent = located({ accountId: a, at: now - 90 * DAY, ip: "198.51.100.4" });
        await record([ancient, oldest, old, recent]);
        const ancientDecision = decided(ancient);
        await outcomes([
          ancientDecision,
          completed(ancientDecision, [], iso(now - 365 * DAY - 1)),
          decided(recent),
        ]);

        const result = await applyRetention(
          db.sql,
          { ipRetentionDays: 90, historyRetentionDays: 365 },
          new Date(now),
          2,
        );
        expect(result.linesDeleted).toBeGreaterThanOrEqual(1);
        expect(result.decisionsDeleted).toBeGreaterThanOrEqual(1);
        expect(result.actionResultsDeleted).toBeGreaterThanOrEqual(1);
        const lines = (await (await asAdmin(`/v1/accounts/${a}/logins`)).json()).items as Array<{
          eventId: string;
          ipRevealable: boolean;
          ipMasked: string;
          decisions: unknown[];
        }>;
        expect(lines.map((l) => [l.eventId, l.ipRevealable, l.ipMasked])).toEqual([
          [recent.data.eventId, true, "198.51.100.x"],
          [old.data.eventId, false, "198.51.100.x"],
          [oldest.data.eventId, false, "198.51.100.x"],
        ]);
        const kept = await db.sql.query<{ ip: string | null }>(
          "SELECT ip FROM logger.logins WHERE account_id = $1 ORDER BY occurred_at DESC",
          [a],
        );
        expect(kept.rows.map((r) => r.ip)).toEqual(["198.51.100.4", null, null]);
        expect(lines[0]!.decisions).toHaveLength(1);
        const left = await db.sql.query<{ n: number }>(
          "SELECT count(*) AS n FROM logger.decisions WHERE login_event_id = $1",
          [ancient.data.eventId],
        );
        expect(left.rows[0]?.n).toBe(0);
        // A second run finds nothing more to do.
        expect(
          await applyRetention(db.sql, { ipRetentionDays: 90, historyRetentionDays: 365 }, new Date(now)),
        ).toEqual({
          ipsReduced: 0,
          linesDeleted: 0,
          decisionsDeleted: 0,
          actionResultsDeleted: 0,
        });
      });
    });
  });
}
