import { csrfTokenFor, newSessionId, STAFF_COOKIE, sealStaffSession } from "@loginguard/auth";
import type { Database } from "@loginguard/db";
import { createApp } from "@loginguard/http";
import { silentLogger } from "@loginguard/observability";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseFactory, pgliteFactory } from "../../test/support/database";
import { createStore, migrateResponder, type ResponderStore } from "../store";
import { responderRoutes } from "./index";

const INGEST_KEY = "ingest-key-0123456789";
const ADMIN_KEY = "admin-key-0123456789ab";
const SESSION_SECRET = "s".repeat(40);

describe("responder HTTP API", () => {
  let made: DatabaseFactory;
  let db: Database;
  let store: ResponderStore;
  let app: Hono;

  const audited: Array<{ action: string; accountId: string | null; details: Record<string, unknown> }> = [];

  beforeAll(async () => {
    made = pgliteFactory();
    db = await made.open();
    await migrateResponder(db);
    store = createStore(db);
    // Mounted as the platform does: the host app owns the error boundary.
    app = createApp({ service: "responder-test", logger: silentLogger() });
    app.route(
      "/",
      responderRoutes({
        store,
        ingestKeys: new Map([["eu-login", INGEST_KEY]]),
        adminKeys: new Map([["ops", ADMIN_KEY]]),
        staffSessionSecret: SESSION_SECRET,
        audit: async (entry) => {
          audited.push(entry);
        },
      }),
    );
  });

  afterAll(async () => {
    await db?.close();
    await made?.cleanup();
  });

  const put = (accountId: string, body: unknown, key = INGEST_KEY) =>
    app.request(`/v1/accounts/${accountId}/contact`, {
      method: "PUT",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const asAdmin = (path: string) => app.request(path, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });

  function staffCookie(): { cookie: string; csrf: string } {
    const sid = newSessionId();
    const now = Date.now();
    const value = sealStaffSession(
      { sid, staffId: "st-1", email: "s@example.com", role: "support", issuedAt: now, lastActiveAt: now },
      SESSION_SECRET,
    );
    return { cookie: `${STAFF_COOKIE}=${value}`, csrf: csrfTokenFor(sid, SESSION_SECRET) };
  }

  it("game platforms keep contacts current; a left-out field stays, null removes it", async () => {
    const res = await put("p-1", { email: "p1@example.com", phone: "+821012345678", language: "ko" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accountId: "p-1", email: "p1@example.com", language: "ko" });
    expect((await put("p-1", { phone: null })).status).toBe(200);
    expect(await store.contacts.get("p-1")).toMatchObject({
      email: "p1@example.com",
      phone: null,
      language: "ko",
    });
  });

  it("rejects bad keys (401), bad fields (400 per field) and unknown fields", async () => {
    const unauthorized = await put("p-2", { email: "x@example.com" }, "wrong-key-0123456789");
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get("content-type")).toBe("application/problem+json");
    expect((await put("p-2", { email: "x@example.com" }, ADMIN_KEY)).status).toBe(401);
    const invalid = await put("p-2", { email: "not-an-email", phone: "010-1234-5678", language: "fr" });
    expect(invalid.status).toBe(400);
    const { errors } = (await invalid.json()) as { errors: Array<{ path: string }> };
    expect(errors.map((e) => e.path).sort()).toEqual(["email", "language", "phone"]);
    expect((await put("p-2", { emial: "typo@example.com" })).status).toBe(400);
    expect((await put("x".repeat(129), { email: "x@example.com" })).status).toBe(400);
    expect(await store.contacts.get("p-2")).toBeUndefined();
  });

  it("staff read contacts with an admin key or a session; players' keys cannot", async () => {
    await put("p-3", { email: "p3@example.com" });
    expect(await (await asAdmin("/v1/accounts/p-3/contact")).json()).toMatchObject({
      email: "p3@example.com",
    });
    const { cookie } = staffCookie();
    const bySession = await app.request("/v1/accounts/p-3/contact", { headers: { cookie } });
    expect(bySession.status).toBe(200);
    const byIngestKey = await app.request("/v1/accounts/p-3/contact", {
      headers: { authorization: `Bearer ${INGEST_KEY}` },
    });
    expect(byIngestKey.status).toBe(401);
    expect((await asAdmin("/v1/accounts/nobody/contact")).status).toBe(404);
  });

  it("deletes a contact with a platform key", async () => {
    await put("p-4", { email: "p4@example.com" });
    const del = () =>
      app.request("/v1/accounts/p-4/contact", {
        method: "DELETE",
        headers: { authorization: `Bearer ${INGEST_KEY}` },
      });
    expect((await del()).status).toBe(204);
    expect((await del()).status).toBe(404);
  });

  it("shows the outbox and an account's notifications to staff only", async () => {
    await store.outbox.put({
      id: "ob-1",
      accountId: "p-5",
      channel: "email",
      recipient: "p5@example.com",
      language: "en",
      subject: "New sign-in from Brazil",
      text: "text",
      html: "<p>html</p>",
    });
    await store.deliveries.record("dec-5", "p-5", {
      channel: "email",
      kind: "notification",
      outcome: "delivered",
      providerId: "outbox:ob-1",
      detail: null,
    });
    const outbox = await asAdmin("/v1/outbox?accountId=p-5&limit=10");
    expect(outbox.status).toBe(200);
    expect((await outbox.json()).items).toEqual([
      expect.objectContaining({
        id: "ob-1",
        to: "p5@example.com",
        subject: "New sign-in from Brazil",
        html: "<p>html</p>",
      }),
    ]);
    const { cookie } = staffCookie();
    const notifications = await app.request("/v1/accounts/p-5/notifications", { headers: { cookie } });
    expect((await notifications.json()).items).toEqual([
      expect.objectContaining({ sourceId: "dec-5", channel: "email", outcome: "delivered", attempts: 1 }),
    ]);
    expect((await app.request("/v1/outbox")).status).toBe(401);
    expect((await asAdmin("/v1/outbox?limit=500")).status).toBe(400);
  });

  it("hides unlock codes from support staff, shows them to admins, and audits every view", async () => {
    await store.outbox.put({
      id: "ob-code",
      accountId: "p-6",
      channel: "sms",
      recipient: "+15005550006",
      language: "en",
      subject: null,
      text: "Your loginguard unlock code is 483920. It expires in 10 minutes.",
      html: null,
    });
    audited.length = 0;
    const { cookie } = staffCookie();
    const support = await (await app.request("/v1/outbox?accountId=p-6", { headers: { cookie } })).json();
    expect(support.codesHidden).toBe(true);
    expect(JSON.stringify(support)).not.toContain("483920");
    expect(support.items[0].text).toContain("unlock code is ••••••");
    const admin = await (await asAdmin("/v1/outbox?accountId=p-6")).json();
    expect(admin.codesHidden).toBe(false);
    expect(admin.items[0].text).toContain("483920");
    expect(audited.map((a) => [a.action, a.accountId, a.details.codesShown])).toEqual([
      ["outbox_viewed", "p-6", false],
      ["outbox_viewed", "p-6", true],
    ]);
  });
});
