import { type Bus, type BusRecord, createEmbeddedBus, type Subscription } from "@loginguard/bus";
import { type Database, MEMORY_DATA_DIR, openDatabase } from "@loginguard/db";
import {
  type AccountChanged,
  type CloudEvent,
  decodeEnvelope,
  dlqTopicOf,
  EVENT_TYPES,
  encodeEvent,
  type IpFlagged,
  type SecurityDecided,
  TOPICS,
} from "@loginguard/events";
import { createApp } from "@loginguard/http";
import { silentLogger } from "@loginguard/observability";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AccountSecurityService, createAccountSecurityService } from "../src/service";
import { plusMinutes, recordedEvent, recordedLogin } from "./fixtures";
import { ADMIN_KEY, TestClock, testConfig } from "./service-fixture";

const T0 = "2026-03-01T12:00:00.000Z";
const OUTPUTS = [
  TOPICS.securityDecided,
  TOPICS.accountChanged,
  TOPICS.ipFlagged,
  TOPICS.notificationRequested,
];

/**
 * The decision stage end to end on the real embedded event log (PGlite): login.recorded in,
 * security.decided / account.changed / ip.flagged out, read back by a consumer group of its own.
 */
describe("account-security stage on the embedded bus", () => {
  let db: Database;
  let bus: Bus;
  let service: AccountSecurityService;
  let watcher: Subscription;
  const seen: BusRecord[] = [];
  const clock = new TestClock(T0);

  beforeAll(async () => {
    db = await openDatabase({ dataDir: MEMORY_DATA_DIR });
    bus = await createEmbeddedBus({ db, logger: silentLogger() });
    await bus.ensureTopics(
      [TOPICS.loginRecorded, dlqTopicOf(TOPICS.loginRecorded), ...OUTPUTS].map((name) => ({
        name,
        partitions: 4,
      })),
    );
    service = createAccountSecurityService({
      bus,
      db,
      config: testConfig(),
      logger: silentLogger(),
      clock: clock.now,
    });
    await service.start();
    watcher = await bus.subscribe({
      group: "test-watcher",
      topics: [...OUTPUTS, dlqTopicOf(TOPICS.loginRecorded)],
      handleBatch: async (batch) => {
        seen.push(...batch.records);
      },
    });
  });

  afterAll(async () => {
    await watcher?.stop();
    await service?.stop();
    await bus?.close();
    await db?.close();
  });

  async function until<T>(find: () => T | undefined, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`timed out; saw ${seen.map((r) => r.topic).join(", ")}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  function events<D>(topic: string, subject: string): CloudEvent<string, D>[] {
    return seen
      .filter((r) => r.topic === topic)
      .map((r) => {
        const decoded = decodeEnvelope(r);
        if (!decoded.ok) throw decoded.error;
        return decoded.event as CloudEvent<string, D>;
      })
      .filter((e) => e.subject === subject);
  }

  it("publishes security.decided and account.changed for impossible travel, keyed by the account", async () => {
    const home = recordedLogin({ accountId: "e2e-traveller", country: "KR", occurredAt: T0 });
    const away = recordedLogin({
      accountId: "e2e-traveller",
      country: "BR",
      sessionId: "sess-77",
      occurredAt: plusMinutes(T0, 10),
      history: {
        previousSuccess: { eventId: home.eventId, country: "KR", occurredAt: T0 },
        countriesSeen: ["KR"],
      },
    });
    const quiet = recordedLogin({ accountId: "e2e-quiet", country: "KR", occurredAt: T0 });
    await bus.publish(
      [home, away, quiet].map((l) => ({ topic: TOPICS.loginRecorded, ...encodeEvent(recordedEvent(l)) })),
    );

    const decided = await until(() => events<SecurityDecided>(TOPICS.securityDecided, "e2e-traveller")[0]);
    expect(decided.type).toBe(EVENT_TYPES.securityDecided);
    expect(decided.source).toBe("loginguard/account-security");
    expect(decided.correlationId).toBe(away.eventId);
    expect(decided.data).toMatchObject({
      loginEventId: away.eventId,
      action: "lock",
      actions: ["lock", "kick", "notify"],
      sessionId: "sess-77",
    });
    const changed = await until(() => events<AccountChanged>(TOPICS.accountChanged, "e2e-traveller")[0]);
    expect(changed.data).toMatchObject({
      change: "locked",
      state: { locked: true, reason: "impossible_travel" },
    });
    const record = seen.find((r) => r.topic === TOPICS.securityDecided && r.key === "e2e-traveller");
    expect(record?.headers["content-type"]).toBe("application/json");
    // Nothing to do is no record at all.
    expect(events(TOPICS.securityDecided, "e2e-quiet")).toEqual([]);
  });

  it("publishes ip.flagged keyed by the IP once an IP fails on many accounts", async () => {
    const ip = "203.0.113.200";
    const failures = Array.from({ length: 25 }, (_, i) =>
      recordedLogin({
        accountId: `e2e-stuffed-${i}`,
        result: "failure",
        ip,
        occurredAt: plusMinutes(T0, i / 10),
        history: { recentFailures: 1, ipFailedAccounts: i + 1 },
      }),
    );
    await bus.publish(
      failures.map((l) => ({ topic: TOPICS.loginRecorded, ...encodeEvent(recordedEvent(l)) })),
    );
    const flagged = await until(() => events<IpFlagged>(TOPICS.ipFlagged, ip)[0]);
    // Accounts spread over partitions handled concurrently: the first to see 20+ raises the flag.
    expect(flagged.data.ip).toBe(ip);
    expect(flagged.data.failedAccounts).toBeGreaterThanOrEqual(20);
    expect(new Date(flagged.data.until).getTime() - new Date(flagged.data.flaggedAt).getTime()).toBe(
      3_600_000,
    );
    expect(seen.find((r) => r.topic === TOPICS.ipFlagged)?.key).toBe(ip);
  });

  it("dead-letters a login.recorded of a version it does not know", async () => {
    const login = recordedLogin({ accountId: "e2e-future" });
    const record = encodeEvent({ ...recordedEvent(login), type: "loginguard.login.recorded.v2" });
    await bus.publish([{ topic: TOPICS.loginRecorded, ...record }]);
    const dead = await until(() => seen.find((r) => r.topic === dlqTopicOf(TOPICS.loginRecorded)));
    expect(dead.key).toBe("e2e-future");
    expect(dead.headers.dlq_error).toMatch(/unsupported event type loginguard\.login\.recorded\.v2/);
  });

  const publishRecorded = (...logins: ReturnType<typeof recordedLogin>[]) =>
    bus.publish(logins.map((l) => ({ topic: TOPICS.loginRecorded, ...encodeEvent(recordedEvent(l)) })));
  const travel = (accountId: string, extra: Parameters<typeof recordedLogin>[0] = {}) =>
    recordedLogin({
      accountId,
      country: "BR",
      occurredAt: plusMinutes(T0, 10),
      ...extra,
      history: {
        previousSuccess: { eventId: `${accountId}-home`, country: "KR", occurredAt: T0 },
        countriesSeen: ["KR"],
        ...extra.history,
      },
    });

  it("decides a login the logger could not record, on what it knows, and says so in the evidence", async () => {
    await publishRecorded(travel("e2e-unrecorded", { history: { degraded: "not_recorded" } }));
    const decided = await until(() => events<SecurityDecided>(TOPICS.securityDecided, "e2e-unrecorded")[0]);
    expect(decided.data.action).toBe("lock");
    expect(decided.data.reasons[0]?.evidence.degraded).toEqual(["history_not_recorded"]);
  });

  it("decides a login its own storage refuses (not kept for answers), and reports one it cannot decide as stuck", async () => {
    // Storage crafted to refuse: this session in recent_logins, any decision of one account.
    await db.sql.query(
      "ALTER TABLE account_security.recent_logins ADD CONSTRAINT test_refuse CHECK (session_id <> 'sess-refuse')",
    );
    await db.sql.query(
      "ALTER TABLE account_security.decisions ADD CONSTRAINT test_refuse CHECK (account_id <> 'e2e-undecidable')",
    );
    try {
      await publishRecorded(
        travel("e2e-unkept", { sessionId: "sess-refuse" }),
        travel("e2e-undecidable"),
        travel("e2e-after"),
      );
      const decided = await until(
        () => events<SecurityDecided>(TOPICS.securityDecided, "e2e-unkept")[0],
        60_000,
      );
      expect(decided.data).toMatchObject({ action: "lock", sessionId: "sess-refuse" });
      expect(decided.data.reasons[0]?.evidence.degraded).toEqual(["login_not_kept"]);
      const changed = await until(() => events<AccountChanged>(TOPICS.accountChanged, "e2e-unkept")[0]);
      expect(changed.data.state.locked).toBe(true);

      const stuck = await until(
        () => seen.find((r) => r.topic === dlqTopicOf(TOPICS.loginRecorded) && r.key === "e2e-undecidable"),
        60_000,
      );
      expect(stuck.headers.dlq_error_code).toBe("stuck");
      expect(stuck.headers.dlq_error).toMatch(/test_refuse/);
      // The partition went on: the next account was decided.
      await until(() => events<SecurityDecided>(TOPICS.securityDecided, "e2e-after")[0]);
    } finally {
      await db.sql.query("ALTER TABLE account_security.recent_logins DROP CONSTRAINT test_refuse");
      await db.sql.query("ALTER TABLE account_security.decisions DROP CONSTRAINT test_refuse");
    }
  });

  it("publishes the staff unlock's account.changed through the outbox", async () => {
    const app = createApp({ service: "test", logger: silentLogger() });
    app.route("/", service.routes!);
    const res = await app.request("/v1/accounts/e2e-traveller/unlock", {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ reason: "called the player back" }),
    });
    expect(res.status).toBe(200);
    const unlocked = await until(() =>
      events<AccountChanged>(TOPICS.accountChanged, "e2e-traveller").find(
        (e) => e.data.change === "unlocked",
      ),
    );
    expect(unlocked.data).toMatchObject({
      by: { kind: "staff", id: "api-key:ops" },
      state: { locked: false },
    });
  });
});
