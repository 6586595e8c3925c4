import { mintPlayerToken, newSessionId, sealStaffSession } from "@loginguard/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTENT_SECURITY_POLICY } from "../src/http/security-headers";
import { StaffSessionStore } from "../src/staff/session-store";
import {
  ADMIN_KEY,
  PLAYER_SECRET,
  type PortalUnderTest,
  portalUnderTest,
  STAFF_SECRET,
  setCookieOf,
  signInStaff,
} from "./portal-fixture";

const ADMIN = { email: "admin@example.com", password: "admin password 123" };
const SUPPORT = { email: "support@example.com", password: "support password 123" };
const MARKUP = `<img src=x onerror="alert(1)">`;

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

describe("portal security (in process)", () => {
  let p: PortalUnderTest;

  beforeAll(async () => {
    p = await portalUnderTest({ TRUST_PROXY: "true", STAFF_SIGN_IN_MAX_FAILURES_PER_IP: "8" });
    await p.service.staff.create({ ...ADMIN, role: "admin", createdBy: null });
    await p.service.staff.create({ ...SUPPORT, role: "support", createdBy: null });
  });

  afterAll(async () => {
    await p?.close();
  });

  it("sends the CSP, nosniff, no-referrer and no framing on every page and asset", async () => {
    const token = await mintPlayerToken("player-1", PLAYER_SECRET);
    const paths = [
      "/me",
      `/auth/player?token=${token}`,
      "/auth/player?token=forged",
      "/dev/sign-in",
      "/console",
      "/console/accounts/player-1",
      "/console/outbox",
      "/portal/assets/player.js",
      "/portal/assets/portal.css",
    ];
    for (const path of paths) {
      const res = await p.app.request(path);
      expect(res.headers.get("content-security-policy"), path).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), path).toBe("no-referrer");
      expect(res.headers.get("x-frame-options"), path).toBe("DENY");
    }
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain("unsafe-inline");
  });

  it("pages carry no inline script and the scripts never parse HTML", async () => {
    const token = await mintPlayerToken("player-1", PLAYER_SECRET);
    const me = await (await p.app.request("/me", { headers: { cookie: `lg_player=${token}` } })).text();
    const scripts = [...me.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBe(1);
    expect(scripts[0]?.[0]).toContain('src="/portal/assets/player.js"');
    expect(scripts[0]?.[1]).toBe("");
    expect(me).not.toMatch(/\son[a-z]+=/i);
    for (const name of ["player.js", "console.js"]) {
      const js = await (await p.app.request(`/portal/assets/${name}`)).text();
      expect(js.length).toBeGreaterThan(1000);
      expect(js).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(/);
    }
  });

  it("sets the player cookie HttpOnly, SameSite=Strict, for no longer than the token lives", async () => {
    const token = await mintPlayerToken("player-1", PLAYER_SECRET, 600);
    const res = await p.app.request(`/auth/player?token=${token}&answer=evt-1`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/me?answer=evt-1");
    const cookie = setCookieOf(res, "lg_player") ?? "";
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).toContain("Path=/");
    expect(cookie).not.toContain("Secure");
    const maxAge = Number(cookie.match(/Max-Age=(\d+)/)?.[1]);
    expect(maxAge).toBeGreaterThan(590);
    expect(maxAge).toBeLessThanOrEqual(600);
  });

  it("refuses a forged or expired token without setting a cookie", async () => {
    const expired = await mintPlayerToken("player-1", PLAYER_SECRET, -5);
    const foreign = await mintPlayerToken("player-1", "x".repeat(40));
    for (const token of [expired, foreign, "not-a-jwt"]) {
      const res = await p.app.request(`/auth/player?token=${encodeURIComponent(token)}`);
      expect(res.status).toBe(401);
      expect(setCookieOf(res, "lg_player")).toBeUndefined();
    }
    const page = await p.app.request("/me", { headers: { cookie: `lg_player=${foreign}` } });
    expect(page.status).toBe(401);
  });

  it("in production: Secure cookies and no development sign-in", async () => {
    const prod = await portalUnderTest({ NODE_ENV: "production" });
    try {
      await prod.service.staff.create({ ...ADMIN, role: "admin", createdBy: null });
      expect((await prod.app.request("/dev/sign-in")).status).toBe(404);
      expect((await prod.app.request("/dev/sign-in", { method: "POST" })).status).toBe(404);
      const token = await mintPlayerToken("player-1", PLAYER_SECRET);
      const player = setCookieOf(await prod.app.request(`/auth/player?token=${token}`), "lg_player") ?? "";
      expect(player).toMatch(/; Secure/);
      const staff = await signInStaff(prod.app, ADMIN.email, ADMIN.password);
      const staffCookie = setCookieOf(staff.res, "lg_staff") ?? "";
      expect(staffCookie).toMatch(/HttpOnly/);
      expect(staffCookie).toMatch(/SameSite=Strict/);
      expect(staffCookie).toMatch(/; Secure/);
      const signedOut = await prod.app.request("/me");
      expect(await signedOut.text()).not.toContain("/dev/sign-in");
    } finally {
      await prod.close();
    }
  });

  it("shows markup in an accountId or answer id as text on the pages", async () => {
    const token = await mintPlayerToken(MARKUP, PLAYER_SECRET);
    const me = await (
      await p.app.request(`/me?answer=${encodeURIComponent(MARKUP)}`, {
        headers: { cookie: `lg_player=${token}` },
      })
    ).text();
    expect(me).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(me).not.toContain("<img");
    const staff = await signInStaff(p.app, SUPPORT.email, SUPPORT.password);
    const page = await p.app.request(`/console/accounts/${encodeURIComponent(MARKUP)}`, {
      headers: { cookie: staff.cookie },
    });
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(text).not.toContain("<img");
  });

  it("refuses staff changes without the CSRF token", async () => {
    const admin = await signInStaff(p.app, ADMIN.email, ADMIN.password);
    expect(admin.res.status).toBe(200);
    const body = { email: "new1@example.com", role: "support", password: "a long enough pw" };
    const without = await p.app.request("/v1/admin/staff", {
      method: "POST",
      ...json(body, { cookie: admin.cookie }),
    });
    expect(without.status).toBe(403);
    const wrong = await p.app.request("/v1/admin/staff", {
      method: "POST",
      ...json(body, { cookie: admin.cookie, "x-csrf-token": "forged" }),
    });
    expect(wrong.status).toBe(403);
    const signOut = await p.app.request("/v1/staff/sessions", {
      method: "DELETE",
      headers: { cookie: admin.cookie },
    });
    expect(signOut.status).toBe(403);
    const ok = await p.app.request("/v1/admin/staff", {
      method: "POST",
      ...json(body, { cookie: admin.cookie, "x-csrf-token": admin.csrf }),
    });
    expect(ok.status).toBe(201);
  });

  it("ends a staff session that stays idle for 30 minutes", async () => {
    const staff = (await p.service.staff.credentials(SUPPORT.email))!;
    const sid = newSessionId();
    await new StaffSessionStore(p.db).open({
      sid,
      staffId: staff.id,
      at: new Date(),
      clientIp: null,
      userAgent: null,
    });
    const cookieAt = (lastActiveAt: number) =>
      `lg_staff=${sealStaffSession(
        {
          sid,
          staffId: staff.id,
          email: staff.email,
          role: "support",
          issuedAt: Date.now() - 3_600_000,
          lastActiveAt,
        },
        STAFF_SECRET,
      )}`;
    // The same recorded session: fine after 29 idle minutes, over after 31.
    expect(
      (await p.app.request("/v1/staff/sessions", { headers: { cookie: cookieAt(Date.now() - 29 * 60_000) } }))
        .status,
    ).toBe(200);
    const idle = cookieAt(Date.now() - 31 * 60_000);
    expect((await p.app.request("/v1/staff/sessions", { headers: { cookie: idle } })).status).toBe(401);
    const page = await p.app.request("/console/accounts/player-1", { headers: { cookie: idle } });
    expect(page.status).toBe(401);
    expect(await page.text()).toContain('id="sign-in-form"');
  });

  it("refuses a session after sign-out even though its cookie is still well-formed", async () => {
    const s = await signInStaff(p.app, SUPPORT.email, SUPPORT.password);
    expect((await p.app.request("/v1/staff/sessions", { headers: { cookie: s.cookie } })).status).toBe(200);
    const out = await p.app.request("/v1/staff/sessions", {
      method: "DELETE",
      headers: { cookie: s.cookie, "x-csrf-token": s.csrf },
    });
    expect(out.status).toBe(204);
    expect(setCookieOf(out, "lg_staff")).toMatch(/Max-Age=0/);
    expect((await p.app.request("/v1/staff/sessions", { headers: { cookie: s.cookie } })).status).toBe(401);
    expect((await p.app.request("/v1/overview", { headers: { cookie: s.cookie } })).status).toBe(401);
    expect((await p.app.request("/console", { headers: { cookie: s.cookie } })).status).toBe(401);
  });

  it("throttles staff password guessing and answers unknown emails exactly like wrong passwords", async () => {
    const email = "guessed@example.com";
    await p.service.staff.create({ email, password: "the real password", role: "support", createdBy: null });
    const attempt = (e: string, password: string, ip: string) =>
      p.app.request("/v1/staff/sessions", {
        method: "POST",
        ...json({ email: e, password }, { "x-forwarded-for": ip }),
      });
    const wrong = await attempt(email, "guess 1", "198.51.100.1");
    const unknown = await attempt("nobody@example.com", "guess 1", "198.51.100.2");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual(await wrong.json());
    for (let i = 2; i <= 5; i++)
      expect((await attempt(email, `guess ${i}`, `198.51.100.${i + 10}`)).status).toBe(401);
    const blocked = await attempt(email, "the real password", "198.51.100.99");
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(800);
    expect(setCookieOf(blocked, "lg_staff")).toBeUndefined();
  });

  it("throttles one client address spraying many emails", async () => {
    const ip = "192.0.2.77";
    for (let i = 0; i < 8; i++) {
      const res = await p.app.request("/v1/staff/sessions", {
        method: "POST",
        ...json({ email: `spray${i}@example.com`, password: "x" }, { "x-forwarded-for": ip }),
      });
      expect(res.status).toBe(401);
    }
    const res = await p.app.request("/v1/staff/sessions", {
      method: "POST",
      ...json(ADMIN, { "x-forwarded-for": ip }),
    });
    expect(res.status).toBe(429);
    expect((await signInStaff(p.app, ADMIN.email, ADMIN.password)).res.status).toBe(200);
  });

  it("spends about the same time on an unknown email as on a wrong password", async () => {
    const time = async (email: string) => {
      const start = performance.now();
      await p.app.request("/v1/staff/sessions", {
        method: "POST",
        ...json(
          { email, password: "timing guess" },
          { "x-forwarded-for": `203.0.113.${Math.floor(Math.random() * 200)}` },
        ),
      });
      return performance.now() - start;
    };
    await time("warmup@example.com");
    // The faster of two tries each, interleaved: a load spike on this shared machine only ever adds
    // time, so the minimum is the request's own cost.
    const unknown1 = await time("nobody1@example.com");
    const known1 = await time(SUPPORT.email);
    const unknown = Math.min(unknown1, await time("nobody2@example.com"));
    const known = Math.min(known1, await time(SUPPORT.email));
    // argon2id dominates both: an unknown email must not come back in a fraction of the time.
    expect(unknown).toBeGreaterThan(known * 0.5);
    expect(known).toBeGreaterThan(unknown * 0.5);
  });

  it("lets only admins manage staff; the admin API key works without a session", async () => {
    const support = await signInStaff(p.app, SUPPORT.email, SUPPORT.password);
    const body = { email: "new2@example.com", role: "admin", password: "a long enough pw" };
    const refused = await p.app.request("/v1/admin/staff", {
      method: "POST",
      ...json(body, { cookie: support.cookie, "x-csrf-token": support.csrf }),
    });
    expect(refused.status).toBe(403);
    expect((await p.app.request("/console/staff", { headers: { cookie: support.cookie } })).status).toBe(404);
    const byKey = await p.app.request("/v1/admin/staff", {
      method: "POST",
      ...json(body, { authorization: `Bearer ${ADMIN_KEY}` }),
    });
    expect(byKey.status).toBe(201);
    const again = await p.app.request("/v1/admin/staff", {
      method: "POST",
      ...json(body, { authorization: `Bearer ${ADMIN_KEY}` }),
    });
    expect(again.status).toBe(409);
    const weak = await p.app.request("/v1/admin/staff", {
      method: "POST",
      ...json(
        { ...body, email: "weak@example.com", password: "short" },
        { authorization: `Bearer ${ADMIN_KEY}` },
      ),
    });
    expect(weak.status).toBe(400);
    const listed = (await (
      await p.app.request("/v1/admin/staff", { headers: { authorization: `Bearer ${ADMIN_KEY}` } })
    ).json()) as { items: Array<{ email: string; passwordHash?: string }> };
    expect(listed.items.map((s) => s.email)).toContain("new2@example.com");
    expect(JSON.stringify(listed)).not.toContain("argon2");
  });

  it("opens no staff API or console page with a player's token", async () => {
    const token = await mintPlayerToken("player-1", PLAYER_SECRET);
    const tries: Array<Record<string, string>> = [
      { cookie: `lg_player=${token}` },
      { authorization: `Bearer ${token}` },
    ];
    for (const headers of tries) {
      expect((await p.app.request("/v1/overview", { headers })).status).toBe(401);
      expect((await p.app.request("/v1/admin/staff", { headers })).status).toBe(401);
      const page = await p.app.request("/console/accounts/player-2", { headers });
      expect(page.status).toBe(401);
      const text = await page.text();
      expect(text).toContain('id="sign-in-form"');
      expect(text).not.toContain("data-account-id");
    }
  });

  it("refuses cross-site form posts to the player's sign-in and sign-out", async () => {
    const res = await p.app.request("/dev/sign-in", {
      method: "POST",
      headers: {
        origin: "https://evil.example",
        host: "localhost",
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "accountId=victim",
    });
    expect(res.status).toBe(403);
    expect(setCookieOf(res, "lg_player")).toBeUndefined();
    const same = await p.app.request("http://localhost/dev/sign-in", {
      method: "POST",
      headers: {
        origin: "http://localhost",
        host: "localhost",
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "accountId=player-9",
    });
    expect(same.status).toBe(303);
    expect(setCookieOf(same, "lg_player")).toContain("HttpOnly");
  });

  it("keeps the player cookie SameSite=Strict and still opens a link from an email", async () => {
    const crossSite = { "sec-fetch-site": "cross-site" };
    const first = await p.app.request("/me?answer=evt-9", { headers: crossSite });
    expect(first.status).toBe(200);
    const text = await first.text();
    expect(text).toContain('http-equiv="refresh" content="0; url=/me?answer=evt-9&amp;from=link"');
    expect(text).not.toMatch(/<script/);
    // The second navigation comes from our own page; if there is still no cookie: signed out.
    const second = await p.app.request("/me?answer=evt-9&from=link", { headers: crossSite });
    expect(second.status).toBe(401);
    // Same-site and typed navigations are answered directly.
    expect((await p.app.request("/me", { headers: { "sec-fetch-site": "none" } })).status).toBe(401);
  });
});
