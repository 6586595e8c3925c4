import { parseApiKeys } from "@loginguard/auth";
import type { Bus, BusRecord, Emit, Subscription } from "@loginguard/bus";
import { type Database, MEMORY_DATA_DIR, openDatabase } from "@loginguard/db";
import {
  type CloudEvent,
  decodeEvent,
  deriveEventId,
  dlqTopicOf,
  EVENT_TYPES,
  encodeEvent,
  type LoginRecorded,
  TOPICS,
} from "@loginguard/events";
import { silentLogger } from "@loginguard/observability";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoggerConfig } from "../src/env";
import { recordStage } from "../src/record-stage";
import { createLoggerService, type LoggerService } from "../src/service";
import { completed, decided, located, MINUTE, stageContext, T0, WINDOWS } from "./fixtures";

/** What the suite needs of a driver: a bus whose topics exist, and how to clean up. */
export interface BusFactory {
  bus: Bus;
  /** For a database shared with the bus (the embedded driver); default: an in-memory PGlite. */
  db?: Database;
  cleanup(): Promise<void>;
}

/** The logger's topics, for drivers that cannot create topics by themselves. */
export const LOGGER_TOPICS = [
  TOPICS.loginLocated,
  TOPICS.loginRecorded,
  TOPICS.securityDecided,
  TOPICS.actionCompleted,
  // Erasure (account.erased -> erasure.completed) and staff-session revocations (audit.recorded).
  TOPICS.accountErased,
  TOPICS.erasureCompleted,
  TOPICS.auditRecorded,
].flatMap((t) => [t, dlqTopicOf(t)]);

const ADMIN_KEY = "admin-key-".padEnd(32, "k");

const config: LoggerConfig = {
  ...WINDOWS,
  ipRetentionDays: 90,
  historyRetentionDays: 365,
  retentionIntervalMinutes: 60,
  maxInFlight: 100,
  playerTokenSecret: "p".repeat(32),
  staffSessionSecret: null,
  adminKeys: parseApiKeys(`ops:${ADMIN_KEY}`),
};

/** Records of one topic, seen by a consumer group of their own. */
async function watch(bus: Bus, topic: string) {
  const records: BusRecord[] = [];
  const sub: Subscription = await bus.subscribe({
    group: `watch-${topic}-${process.pid}-${Date.now()}`,
    topics: [topic],
    handleBatch: async (batch) => {
      records.push(...batch.records);
    },
  });
  return { records, stop: () => sub.stop() };
}

async function waitUntil(
  pred: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const publish = (bus: Bus, topic: string, events: CloudEvent[]) =>
  bus.publish(events.map((event) => ({ topic, ...encodeEvent(event) })));

/**
 * The logger's stages running on a real event log: what they publish, what they dead-letter, and
 * what the history API then shows.
 */
export function describeLoggerStages(name: string, factory: () => Promise<BusFactory>): void {
  describe(name, () => {
    let made: BusFactory;
    let db: Database;
    let ownDb = false;
    let service: LoggerService;
    let recorded: Awaited<ReturnType<typeof watch>>;
    let dead: Awaited<ReturnType<typeof watch>>;

    beforeAll(async () => {
      made = await factory();
      ownDb = !made.db;
      db = made.db ?? (await openDatabase({ dataDir: MEMORY_DATA_DIR }));
      service = createLoggerService({ bus: made.bus, db, config, logger: silentLogger() });
      await service.start();
      recorded = await watch(made.bus, TOPICS.loginRecorded);
      dead = await watch(made.bus, dlqTopicOf(TOPICS.loginLocated));
    });

    afterAll(async () => {
      await recorded?.stop();
      await dead?.stop();
      await service?.stop();
      if (ownDb) await db?.close();
      await made?.cleanup();
    });

    const recordedEvents = () =>
      recorded.records.flatMap((r) => {
        const decoded = decodeEvent(r, [EVENT_TYPES.loginRecorded]);
        return decoded.ok ? [decoded.event] : [];
      });
    const recordedFor = (inputId: string) =>
      recordedEvents().find((e) => e.id === deriveEventId("logger", inputId, EVENT_TYPES.loginRecorded));

    it("publishes login.recorded with the history context, keyed by account", async () => {
      const home = located({ accountId: "stage-a", at: T0, country: "KR" });
      const fails = [1, 2].map((i) =>
        located({ accountId: "stage-a", at: T0 + i * MINUTE, country: "BR", result: "failure" }),
      );
      const away = located({ accountId: "stage-a", at: T0 + 3 * MINUTE, country: "BR" });
      const other = located({ accountId: "stage-b", at: T0, country: "JP" });
      await publish(made.bus, TOPICS.loginLocated, [home, ...fails, away, other]);
      await waitUntil(() => recordedEvents().length >= 5, "5 login.recorded");

      const out = recordedFor(away.id)!;
      expect(out).toMatchObject({
        source: "loginguard/logger",
        subject: "stage-a",
        correlationId: away.correlationId,
      });
      expect(out.data.history).toMatchObject({
        previousSuccess: { eventId: home.data.eventId, country: "KR" },
        countriesSeen: ["KR"],
        recentFailures: 2,
      });
      const record = recorded.records.find((r) => r.headers.ce_id === out.id)!;
      expect(record.key).toBe("stage-a");
      expect(recordedFor(other.id)?.data.history.previousSuccess).toBeNull();
    });

    it("re-emits the same event for a login recorded before a crash and redelivered", async () => {
      const login = located({ accountId: "stage-c", at: T0, country: "KR" });
      // The line was written, then the process died before publishing.
      const stage = recordStage({ db, windows: WINDOWS });
      const [before] = (await stage.handleBatch!([login], stageContext(stage.name))) as Emit[];
      await publish(made.bus, TOPICS.loginLocated, [login]);
      await waitUntil(() => recordedFor(login.id) !== undefined, "the redelivered login's output");
      const after = recordedFor(login.id)!;
      expect(after).toEqual(before!.event);
      expect((after.data as LoginRecorded).history).toEqual((before!.event.data as LoginRecorded).history);
    });

    it("dead-letters records it cannot read and carries on", async () => {
      const bad = located({ accountId: "stage-d", at: T0 });
      const next = located({ accountId: "stage-d", at: T0 + 1 });
      await made.bus.publish([
        {
          topic: TOPICS.loginLocated,
          ...encodeEvent({ ...bad, type: "loginguard.login.located.v9" as never }),
        },
        { topic: TOPICS.loginLocated, ...encodeEvent(next) },
      ]);
      await waitUntil(() => recordedFor(next.id) !== undefined, "the login after a bad record");
      await waitUntil(() => dead.records.some((r) => r.headers.ce_id === bad.id), "the dead letter");
      expect(recordedFor(bad.id)).toBeUndefined();
    });

    const historyOf = async (accountId: string) => {
      const res = await service.routes!.request(`/v1/accounts/${accountId}/logins`, {
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
      });
      return ((await res.json()) as { items: Array<{ eventId: string; device: string | null }> }).items;
    };

    it("records a login written straight to its topic with a NUL in the user agent, cleaned", async () => {
      const home = located({ accountId: "stage-nul", at: T0, country: "KR" });
      const evil = located({
        accountId: "stage-nul",
        at: T0 + 10 * MINUTE,
        country: "BR",
        userAgent: "Evil\u0000Agent/1.0",
      });
      await publish(made.bus, TOPICS.loginLocated, [home, evil]);
      await waitUntil(() => recordedFor(evil.id) !== undefined, "the NUL login recorded");
      const out = recordedFor(evil.id)!;
      expect(out.data.userAgent).toBe("EvilAgent/1.0");
      expect(out.data.history.previousSuccess?.country).toBe("KR");
      expect(out.data.history.degraded).toBeUndefined();
      expect((await historyOf("stage-nul")).map((i) => i.device)).toEqual(["EvilAgent/1.0", null]);
      expect(dead.records.some((r) => r.headers.ce_id === evil.id)).toBe(false);
    });

    it("passes on, marked, a login its storage refuses: stored without free text, or unrecorded", async () => {
      // Storage crafted to refuse: this user agent, and any line of one account at all.
      await db.sql.query(
        "ALTER TABLE logger.logins ADD CONSTRAINT test_refuse_ua CHECK (user_agent NOT LIKE '%refuse-me%')",
      );
      await db.sql.query(
        "ALTER TABLE logger.logins ADD CONSTRAINT test_refuse_account CHECK (account_id <> 'stage-unstorable')",
      );
      try {
        const home = located({ accountId: "stage-refused", at: T0, country: "KR" });
        const refused = located({
          accountId: "stage-refused",
          at: T0 + 10 * MINUTE,
          country: "BR",
          userAgent: "refuse-me/1.0",
        });
        const nowhere = located({ accountId: "stage-unstorable", at: T0, country: "BR" });
        await publish(made.bus, TOPICS.loginLocated, [home, refused, nowhere]);
        await waitUntil(
          () => recordedFor(refused.id) !== undefined && recordedFor(nowhere.id) !== undefined,
          "both refused logins passed on",
          60_000,
        );
        const stripped = recordedFor(refused.id)!.data.history;
        expect(stripped).toMatchObject({ degraded: "free_text_dropped", previousSuccess: { country: "KR" } });
        const lines = await historyOf("stage-refused");
        expect(lines.map((i) => [i.eventId, i.device])).toEqual([
          [refused.data.eventId, null],
          [home.data.eventId, null],
        ]);
        expect(recordedFor(nowhere.id)!.data.history).toMatchObject({
          degraded: "not_recorded",
          previousSuccess: null,
        });
        expect(await historyOf("stage-unstorable")).toEqual([]);
        expect(dead.records.some((r) => [refused.id, nowhere.id].includes(r.headers.ce_id ?? ""))).toBe(
          false,
        );
      } finally {
        await db.sql.query("ALTER TABLE logger.logins DROP CONSTRAINT test_refuse_ua");
        await db.sql.query("ALTER TABLE logger.logins DROP CONSTRAINT test_refuse_account");
      }
    });

    it("shows decisions and deliveries from their topics on the history line", async () => {
      const login = located({ accountId: "stage-e", at: T0, country: "BR" });
      const decision = decided(login, { action: "kick", actions: ["kick", "notify"] });
      await publish(made.bus, TOPICS.securityDecided, [decision]);
      await publish(made.bus, TOPICS.actionCompleted, [
        completed(decision, [
          { channel: "webhook", kind: "player.kick", outcome: "delivered", providerId: null, detail: null },
        ]),
      ]);
      await publish(made.bus, TOPICS.loginLocated, [login]);
      const line = async () => {
        const res = await service.routes!.request("/v1/accounts/stage-e/logins", {
          headers: { authorization: `Bearer ${ADMIN_KEY}` },
        });
        return ((await res.json()) as { items: Array<{ action: string | null; notifications: unknown[] }> })
          .items[0];
      };
      await waitUntil(async () => {
        const item = await line();
        return item?.action === "kick" && item.notifications.length === 1;
      }, "the decision and its delivery on the line");
    });
  });
}
