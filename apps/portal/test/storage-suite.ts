import { type Database, migrate } from "@loginguard/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PORTAL_SCHEMA } from "../src/db/migrations";
import { MfaStore } from "../src/mfa/mfa-store";
import { overviewStage } from "../src/overview/overview-stage";
import { OverviewStore } from "../src/overview/overview-store";
import { StaffSessionStore } from "../src/staff/session-store";
import { signIn } from "../src/staff/sign-in";
import { SignInThrottle } from "../src/staff/sign-in-throttle";
import { StaffExistsError, StaffStore } from "../src/staff/staff-store";
import { decidedEvent, lockEvent } from "./events";

/** Support staff without STAFF_MFA=required: password only (second factor tests: mfa.test.ts). */
const secondFactorOf = (db: Database) => ({
  mfa: new MfaStore(db),
  key: "k".repeat(32),
  supportRequired: false,
});

const SETTINGS = { maxFailuresPerEmail: 5, maxFailuresPerIp: 8, windowMinutes: 15 };
const PASSWORD = "correct horse battery";

/**
 * The portal's storage, run on PGlite and on PostgreSQL: staff accounts, sign-in throttling,
 * sessions, and the overview's consumer.
 */
export function describePortalStorage(
  name: string,
  setup: () => Promise<{ open: () => Promise<Database>; cleanup: () => Promise<void> }>,
): void {
  describe(name, () => {
    let db: Database;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      const made = await setup();
      cleanup = made.cleanup;
      db = await made.open();
      await migrate(db, PORTAL_SCHEMA);
      // A second run finds nothing to do.
      expect((await migrate(db, PORTAL_SCHEMA)).applied).toEqual([]);
    });

    afterAll(async () => {
      await db?.close();
      await cleanup?.();
    });

    it("keeps staff accounts with argon2id hashes and one account per email", async () => {
      const staff = new StaffStore(db);
      const created = await staff.create({
        email: " Ann@Example.COM ",
        role: "admin",
        password: PASSWORD,
        createdBy: null,
      });
      expect(created.email).toBe("ann@example.com");
      const found = await staff.credentials("ANN@example.com");
      expect(found?.id).toBe(created.id);
      expect(found?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(found?.passwordHash).not.toContain(PASSWORD);
      await expect(
        staff.create({ email: "ann@example.com", role: "support", password: PASSWORD, createdBy: null }),
      ).rejects.toBeInstanceOf(StaffExistsError);
      expect((await staff.list()).map((s) => s.email)).toContain("ann@example.com");
    });

    it("signs in, records the session, and refuses it once signed out", async () => {
      const staff = new StaffStore(db);
      await staff.create({ email: "bo@example.com", role: "support", password: PASSWORD, createdBy: "test" });
      const sessions = new StaffSessionStore(db);
      const deps = {
        staff,
        sessions,
        throttle: new SignInThrottle(db, SETTINGS),
        clock: () => new Date(),
        secondFactor: secondFactorOf(db),
      };
      const result = await signIn(deps, {
        email: "bo@example.com",
        password: PASSWORD,
        clientIp: "10.0.0.1",
        userAgent: "t",
      });
      expect(result.outcome).toBe("signed_in");
      if (result.outcome !== "signed_in") return;
      expect(result.session.role).toBe("support");
      expect(await sessions.isActive(result.session.sid)).toBe(true);
      expect((await staff.byId(result.account.id))?.lastSignInAt).toBeInstanceOf(Date);
      await sessions.end(result.session.sid, new Date());
      expect(await sessions.isActive(result.session.sid)).toBe(false);
      expect(await sessions.isActive("never-issued")).toBe(false);
    });

    it("answers the same for an unknown email and a wrong password, and counts both", async () => {
      const staff = new StaffStore(db);
      await staff.create({ email: "cy@example.com", role: "support", password: PASSWORD, createdBy: null });
      const throttle = new SignInThrottle(db, SETTINGS);
      const deps = {
        staff,
        sessions: new StaffSessionStore(db),
        throttle,
        clock: () => new Date(),
        secondFactor: secondFactorOf(db),
      };
      const wrong = await signIn(deps, {
        email: "cy@example.com",
        password: "nope",
        clientIp: null,
        userAgent: null,
      });
      const unknown = await signIn(deps, {
        email: "nobody@example.com",
        password: "nope",
        clientIp: null,
        userAgent: null,
      });
      expect(wrong).toEqual({ outcome: "invalid" });
      expect(unknown).toEqual({ outcome: "invalid" });
      const { rows } = await db.sql.query<{ email: string }>(
        "SELECT email FROM portal.sign_in_failures WHERE email IN ('cy@example.com', 'nobody@example.com')",
      );
      expect(rows.map((r) => r.email).sort()).toEqual(["cy@example.com", "nobody@example.com"]);
    });

    it("throttles an email after 5 failures, even with the right password, until the window moves on", async () => {
      const staff = new StaffStore(db);
      await staff.create({ email: "di@example.com", role: "support", password: PASSWORD, createdBy: null });
      let now = new Date("2030-01-01T10:00:00Z");
      const throttle = new SignInThrottle(db, SETTINGS);
      const deps = {
        staff,
        sessions: new StaffSessionStore(db),
        throttle,
        clock: () => now,
        secondFactor: secondFactorOf(db),
      };
      for (let i = 0; i < 5; i++) {
        const r = await signIn(deps, {
          email: "di@example.com",
          password: `guess-${i}`,
          clientIp: null,
          userAgent: null,
        });
        expect(r.outcome).toBe("invalid");
      }
      now = new Date("2030-01-01T10:05:00Z");
      const blocked = await signIn(deps, {
        email: "di@example.com",
        password: PASSWORD,
        clientIp: null,
        userAgent: null,
      });
      expect(blocked.outcome).toBe("throttled");
      if (blocked.outcome === "throttled") expect(blocked.retryAfterSeconds).toBe(600);
      // Another email is not affected.
      expect((await throttle.check("else@example.com", null, now)).allowed).toBe(true);
      now = new Date("2030-01-01T10:15:01Z");
      const later = await signIn(deps, {
        email: "di@example.com",
        password: PASSWORD,
        clientIp: null,
        userAgent: null,
      });
      expect(later.outcome).toBe("signed_in");
      // A success forgets the email's failures.
      expect((await throttle.check("di@example.com", null, now)).allowed).toBe(true);
    });

    it("throttles a client address that fails across many emails", async () => {
      const throttle = new SignInThrottle(db, SETTINGS);
      const now = new Date("2030-02-01T10:00:00Z");
      for (let i = 0; i < 8; i++) await throttle.recordFailure(`spray-${i}@example.com`, "203.0.113.9", now);
      const verdict = await throttle.check("fresh@example.com", "203.0.113.9", now);
      expect(verdict).toEqual({ allowed: false, retryAfterSeconds: 900 });
      expect((await throttle.check("fresh@example.com", "203.0.113.10", now)).allowed).toBe(true);
      await throttle.prune(new Date("2030-02-01T10:16:00Z"));
      expect((await throttle.check("fresh@example.com", "203.0.113.9", now)).allowed).toBe(true);
    });

    it("counts decisions by rule once per event and tracks the accounts locked now", async () => {
      const store = new OverviewStore(db);
      const stage = overviewStage({ db, store, maxInFlight: 10 });
      const now = new Date();
      const travel = decidedEvent("acc-1", [{ code: "impossible_travel" }, { code: "new_country" }], now);
      const old = decidedEvent(
        "acc-2",
        [{ code: "new_country", mode: "shadow" }],
        new Date(now.getTime() - 3 * 3_600_000),
      );
      // A redelivered event (same id) counts once.
      await stage.handleBatch([travel, old, lockEvent("acc-1", true, now), lockEvent("acc-3", true, now)]);
      await stage.handleBatch([travel, lockEvent("acc-3", false, now)]);
      const counts = await store.ruleCounts(now);
      expect(counts).toContainEqual({ code: "impossible_travel", mode: "enforce", lastHour: 1, lastDay: 1 });
      expect(counts).toContainEqual({ code: "new_country", mode: "enforce", lastHour: 1, lastDay: 1 });
      expect(counts).toContainEqual({ code: "new_country", mode: "shadow", lastHour: 0, lastDay: 1 });
      const locked = await store.lockedNow(10);
      expect(locked.count).toBe(1);
      expect(locked.recent).toEqual([
        { accountId: "acc-1", lockedAt: now.toISOString(), reason: "impossible_travel" },
      ]);
      // Versions: a redelivered older lock never undoes a newer unlock (issue 9 point 2).
      await stage.handleBatch([lockEvent("acc-4", true, now, 1), lockEvent("acc-4", false, now, 2)]);
      await stage.handleBatch([lockEvent("acc-4", true, now, 1)]);
      expect((await store.lockedNow(10)).recent.map((r) => r.accountId)).toEqual(["acc-1"]);
      await stage.handleBatch([lockEvent("acc-4", true, now, 3)]);
      expect((await store.lockedNow(10)).count).toBe(2);
      await store.prune(new Date(now.getTime() + 25 * 3_600_000));
      expect(await store.ruleCounts(new Date(now.getTime() + 25 * 3_600_000))).toEqual([]);
    });
  });
}
