import { createEmbeddedBus, type EmbeddedBus } from "@loginguard/bus";
import { type Database, openDatabase } from "@loginguard/db";
import { encodeEvent, TOPICS } from "@loginguard/events";
import { createApp } from "@loginguard/http";
import { silentLogger } from "@loginguard/observability";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPortalConfig } from "../src/env";
import { createPortalService, type PortalService } from "../src/service";
import { decidedEvent, lockEvent } from "./events";
import { ADMIN_KEY, PLAYER_SECRET, STAFF_SECRET, signInStaff } from "./portal-fixture";

describe("the portal service on the embedded event log", () => {
  let db: Database;
  let bus: EmbeddedBus;
  let service: PortalService;
  let app: Hono;

  beforeAll(async () => {
    db = await openDatabase({ dataDir: "memory://" });
    bus = await createEmbeddedBus({ db });
    await bus.ensureTopics([
      { name: TOPICS.securityDecided, partitions: 4 },
      { name: TOPICS.accountChanged, partitions: 4 },
    ]);
    const config = loadPortalConfig({
      PLAYER_TOKEN_SECRET: PLAYER_SECRET,
      STAFF_SESSION_SECRET: STAFF_SECRET,
      ADMIN_API_KEYS: `ops:${ADMIN_KEY}`,
      ADMIN_EMAIL: "First.Admin@example.com",
      ADMIN_PASSWORD: "first admin password",
    });
    service = createPortalService({ bus, db, config, logger: silentLogger() });
    await service.start();
    app = createApp({ service: "portal", logger: silentLogger() });
    app.route("/", service.routes!);
  });

  afterAll(async () => {
    await service?.stop();
    await bus?.close();
    await db?.close();
  });

  it("creates the first admin from ADMIN_EMAIL once", async () => {
    const admin = await service.staff.credentials("first.admin@example.com");
    expect(admin?.role).toBe("admin");
    expect(admin?.createdBy).toBe("ADMIN_EMAIL");
    // The password alone answers the TOTP enrolment (admins must use a second factor)...
    const first = await app.request("/v1/staff/sessions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "first.admin@example.com", password: "first admin password" }),
    });
    expect(first.status).toBe(401);
    expect((await first.json()).type).toMatch(/mfa-enrolment-required$/);
    // ...completed with a real code, the admin is signed in.
    const { res } = await signInStaff(app, "first.admin@example.com", "first admin password");
    expect(res.status).toBe(200);
  });

  it("counts decisions by rule and locked accounts from what it consumes", async () => {
    const now = new Date();
    const events = [
      decidedEvent("acc-a", [{ code: "impossible_travel" }, { code: "new_country" }], now),
      decidedEvent("acc-b", [{ code: "failure_burst" }], now),
      lockEvent("acc-a", true, now),
      lockEvent("acc-b", true, now),
      lockEvent("acc-b", false, new Date(now.getTime() + 1000)),
    ];
    await bus.publish(
      events.map((e) => ({
        topic: e.type.includes("decided") ? TOPICS.securityDecided : TOPICS.accountChanged,
        ...encodeEvent(e),
      })),
    );
    const overview = async () => {
      const res = await app.request("/v1/overview", { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      return (await res.json()) as {
        mode: string;
        decisionsByRule: Array<{ code: string; lastHour: number }>;
        locked: { count: number; recent: Array<{ accountId: string }> };
        logins: { lastMinute: number | null; perMinute: unknown[] };
      };
    };
    await expect.poll(async () => (await overview()).decisionsByRule.length, { timeout: 20_000 }).toBe(3);
    await expect.poll(async () => (await overview()).locked.count, { timeout: 20_000 }).toBe(1);
    const o = await overview();
    expect(o.mode).toBe("embedded");
    expect(o.locked.recent.map((a) => a.accountId)).toEqual(["acc-a"]);
    expect(o.decisionsByRule).toContainEqual(
      expect.objectContaining({ code: "impossible_travel", lastHour: 1 }),
    );
    expect(o.logins.perMinute).toHaveLength(15);
  });
});
