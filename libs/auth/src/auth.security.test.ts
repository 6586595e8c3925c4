import { createApp } from "@loginguard/http";
import { silentLogger } from "@loginguard/observability";
import { describe, expect, it } from "vitest";
import { matchApiKey, parseApiKeys } from "./api-keys";
import { type AuthVariables, playerAuth, STAFF_COOKIE, staffAuth } from "./middleware";
import { mintPlayerToken, verifyPlayerToken } from "./player-token";
import { csrfTokenFor, newSessionId, openStaffSession, sealStaffSession } from "./staff-session";

const SECRET = "s".repeat(32);

describe("API keys", () => {
  it("parses name:key pairs and matches in constant time", () => {
    const keys = parseApiKeys("eu:aaaaaaaaaaaaaaaaaaaa, na:bbbbbbbbbbbbbbbbbbbb");
    expect(matchApiKey(keys, "bbbbbbbbbbbbbbbbbbbb")).toBe("na");
    expect(matchApiKey(keys, "cccccccccccccccccccc")).toBeUndefined();
    expect(() => parseApiKeys("nokey")).toThrow(/name:key/);
    expect(() => parseApiKeys("x:short")).toThrow(/16\+/);
  });
});

describe("player tokens", () => {
  it("accepts a valid token and rejects tampered, expired and foreign-secret ones", async () => {
    const token = await mintPlayerToken("acc-1", SECRET);
    expect((await verifyPlayerToken(token, SECRET))?.accountId).toBe("acc-1");
    expect(await verifyPlayerToken(`${token}x`, SECRET)).toBeUndefined();
    expect(await verifyPlayerToken(token, "t".repeat(32))).toBeUndefined();
    expect(await verifyPlayerToken(await mintPlayerToken("acc-1", SECRET, -10), SECRET)).toBeUndefined();
  });
});

describe("staff sessions", () => {
  const session = {
    sid: newSessionId(),
    staffId: "s1",
    email: "a@x",
    role: "support" as const,
    issuedAt: 0,
    lastActiveAt: 0,
  };

  it("expires when idle and when too old, and rejects forgeries", () => {
    const now = 1_000_000;
    const fresh = sealStaffSession({ ...session, issuedAt: now, lastActiveAt: now }, SECRET);
    expect(openStaffSession(fresh, SECRET, undefined, now + 1000)?.staffId).toBe("s1");
    expect(
      openStaffSession(fresh, SECRET, { idleTimeoutMs: 500, absoluteTimeoutMs: 1e9 }, now + 1000),
    ).toBeUndefined();
    expect(
      openStaffSession(fresh, SECRET, { idleTimeoutMs: 1e9, absoluteTimeoutMs: 500 }, now + 1000),
    ).toBeUndefined();
    const [body] = fresh.split(".");
    const forged = Buffer.from(JSON.stringify({ ...session, role: "admin" })).toString("base64url");
    expect(openStaffSession(`${forged}.${fresh.split(".")[1]}`, SECRET, undefined, now)).toBeUndefined();
    expect(body).toBeTruthy();
  });

  it("requires the CSRF token on changes but not on reads", async () => {
    const app = createApp({ service: "t", logger: silentLogger() });
    const guarded = app.use("/x", staffAuth({ sessionSecret: SECRET }));
    guarded.get("/x", (c) => c.json({ who: (c.var as AuthVariables).staff.id }));
    guarded.post("/x", (c) => c.json({ ok: true }));
    const now = Date.now();
    const cookie = `${STAFF_COOKIE}=${sealStaffSession({ ...session, issuedAt: now, lastActiveAt: now }, SECRET)}`;
    expect((await app.request("/x", { headers: { cookie } })).status).toBe(200);
    expect((await app.request("/x", { method: "POST", headers: { cookie } })).status).toBe(403);
    const ok = await app.request("/x", {
      method: "POST",
      headers: { cookie, "x-csrf-token": csrfTokenFor(session.sid, SECRET) },
    });
    expect(ok.status).toBe(200);
    const none = await app.request("/x");
    expect(none.status).toBe(401);
    expect(none.headers.get("content-type")).toBe("application/problem+json");
  });

  it("gives a player only their own account id", async () => {
    const app = createApp({ service: "t", logger: silentLogger() });
    app.use("/me", playerAuth(SECRET));
    app.get("/me", (c) => c.json({ accountId: (c.var as AuthVariables).accountId }));
    const token = await mintPlayerToken("acc-A", SECRET);
    const res = await app.request("/me", { headers: { authorization: `Bearer ${token}` } });
    expect(await res.json()).toEqual({ accountId: "acc-A" });
  });
});
