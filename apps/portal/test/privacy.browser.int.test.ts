import { mintPlayerToken } from "@loginguard/auth";
import { requireComponents } from "@loginguard/testing";
import { type Browser, type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { passSecondFactor } from "./browser-mfa";
import {
  call,
  eventually,
  minutesAgo,
  type Product,
  postLogins,
  putContact,
  startProduct,
  unlockCodeFromOutbox,
} from "./product";

const missing = requireComponents("chromium");

const SUPPORT = { email: "support.agent@example.com", password: "support agent password 1" };
const ADMIN = { email: "privacy.lead@example.com", password: "privacy lead password 1" };
const KR = "175.223.10.4";
const BR = "200.147.0.1";

interface AuditRow {
  action: string;
  accountId: string | null;
  reason: string | null;
  actor: { email: string | null };
  details: Record<string, unknown>;
}

/** Issue 14 in the browser: least privilege in the console, and sign-out everywhere at once. */
describe.skipIf(missing.skip)("privacy and staff accountability in Chromium (embedded)", () => {
  let product: Product;
  let browser: Browser;

  const newContext = (): Promise<BrowserContext> =>
    browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US", timezoneId: "Asia/Seoul" });
  const audit = async (query: string) =>
    (await call<{ items: AuditRow[] }>(product, `/v1/audit?${query}`)).items;

  async function signIn(context: BrowserContext, who: { email: string; password: string }) {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (err) => errors.push(err.message));
    await page.goto(`${product.url}/console`);
    await page.getByLabel("Email").fill(who.email);
    await page.getByLabel("Password").fill(who.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    if (who === ADMIN) await passSecondFactor(page, ADMIN.email);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Support console");
    return { page, errors };
  }

  beforeAll(async () => {
    [product, browser] = await Promise.all([
      startProduct({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }),
      chromium.launch({
        executablePath: "/usr/bin/chromium",
        headless: true,
        args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
      }),
    ]);
    await call(product, "/v1/admin/staff", {
      method: "POST",
      body: { ...SUPPORT, role: "support" },
      expect: 201,
    });
    await putContact(product, "pv-1", { email: "pv1@example.com", language: "en" });
    await postLogins(product, [
      { eventId: "pv-1-a", accountId: "pv-1", occurredAt: minutesAgo(30), ip: KR, result: "success" },
      { eventId: "pv-1-b", accountId: "pv-1", occurredAt: minutesAgo(25), ip: KR, result: "success" },
      { eventId: "pv-1-c", accountId: "pv-1", occurredAt: minutesAgo(15), ip: BR, result: "success" },
    ]);
    await eventually("pv-1 locked", async () => {
      const s = await call<{ locked: boolean }>(product, "/v1/accounts/pv-1/status", {
        key: product.ingestKey,
      });
      return s.locked;
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  it("a support agent cannot see an unlock code, and reveals an IP only with a reason, audited", async () => {
    // The locked player asks for an unlock code; it sits in the embedded outbox.
    const token = await mintPlayerToken("pv-1", product.playerSecret);
    const asked = Date.now();
    const res = await fetch(`${product.url}/v1/me/unlock/challenge`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(202);
    const code = await unlockCodeFromOutbox(product, "pv-1", asked); // with the admin key: admins see it

    const context = await newContext();
    const { page, errors } = await signIn(context, SUPPORT);
    await page.getByRole("link", { name: "Outbox" }).click();
    await expect.poll(() => page.locator("#outbox-body").textContent()).toContain("pv1@example.com");
    const outbox = (await page.locator("#outbox-body").textContent()) ?? "";
    expect(outbox).not.toContain(code);
    expect(outbox).toContain("••••••");
    expect(outbox).toContain("Unlock codes are shown to admins only");
    await eventually("outbox_viewed audited", async () =>
      (await audit("action=outbox_viewed")).some((r) => r.actor.email === SUPPORT.email),
    );

    await page.goto(`${product.url}/console/accounts/pv-1`);
    const history = page.locator("#history-body");
    await expect.poll(() => history.textContent()).toContain("200.147.0.x");
    expect(await history.textContent()).not.toContain(BR);
    const line = history.locator("tbody tr").filter({ hasText: "200.147.0.x" });
    await line.getByRole("button", { name: "Reveal IP" }).click();
    await line.getByRole("button", { name: "Show" }).click();
    await expect.poll(() => line.textContent()).toContain("Give a reason first.");
    expect(await history.textContent()).not.toContain(BR);
    expect((await audit("accountId=pv-1&action=ip_revealed")).length).toBe(0);
    const reason = "Player disputes a sign-in from Brazil, ticket #881";
    await line.getByLabel("Why do you need the full IP? (audited)").fill(reason);
    await line.getByRole("button", { name: "Show" }).click();
    await expect.poll(() => line.locator(".revealed-ip").textContent()).toBe(BR);
    const revealed = await eventually(
      "ip_revealed in the audit trail",
      async () => (await audit("accountId=pv-1&action=ip_revealed"))[0],
    );
    expect(revealed).toMatchObject({
      reason,
      actor: { email: SUPPORT.email },
      details: { loginEventId: "pv-1-c" },
    });
    // Support has no export or erase.
    expect(await page.locator("#privacy").count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it("a signed-out cookie is refused by account-security and the logger within a second", async () => {
    const context = await newContext();
    const { page } = await signIn(context, SUPPORT);
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const asSignedOut = (path: string) => fetch(`${product.url}${path}`, { headers: { cookie } });
    const paths = ["/v1/accounts/pv-1/security", "/v1/accounts/pv-1/logins"];
    for (const path of paths) expect((await asSignedOut(path)).status).toBe(200);

    await page.getByRole("button", { name: "Sign out" }).click();
    const signedOutAt = Date.now();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Staff sign-in");
    const refusedAt: Record<string, number> = {};
    while (Object.keys(refusedAt).length < paths.length && Date.now() - signedOutAt < 5_000) {
      for (const path of paths) {
        if (refusedAt[path] === undefined && (await asSignedOut(path)).status === 401)
          refusedAt[path] = Date.now();
      }
    }
    for (const path of paths) {
      expect(refusedAt[path], path).toBeDefined();
      expect(refusedAt[path]! - signedOutAt, path).toBeLessThan(1_000);
    }
    const out = await eventually("staff_sign_out audited", async () =>
      (await audit("action=staff_sign_out")).find((r) => r.actor.email === SUPPORT.email),
    );
    expect(out.accountId).toBeNull();
    expect((await audit("action=staff_sign_in")).some((r) => r.actor.email === SUPPORT.email)).toBe(true);
    await context.close();
  }, 60_000);

  it("an admin enrols TOTP (QR code, recovery codes) and signs in with it; a wrong code is refused", async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${product.url}/console`);
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    // The password alone is not enough: no session yet.
    await expect.poll(() => page.locator("#sign-in-code").count()).toBe(1);
    expect((await context.cookies()).some((c) => c.name === "lg_staff")).toBe(false);
    const recovery = await passSecondFactor(page, ADMIN.email);
    expect(recovery).toHaveLength(10);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Support console");
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Staff sign-in");

    // Signing in again asks for the code; a wrong one is refused, the right one works.
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.locator("#sign-in-code").count()).toBe(1);
    expect(await page.locator("#mfa-qr").count()).toBe(0);
    await page.locator("#sign-in-code").fill("000000");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect
      .poll(() => page.locator("#sign-in-result").textContent())
      .toContain("That code is not right");
    await passSecondFactor(page, ADMIN.email);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Support console");
    const signIns = await audit("action=staff_sign_in");
    expect(signIns.filter((r) => r.actor.email === ADMIN.email).map((r) => r.details.mfa)).toContain(
      "enrolled",
    );
    await context.close();
  }, 90_000);

  it("an admin exports, then erases with a reason and a second confirmation; pending, then done", async () => {
    const context = await newContext();
    const { page, errors } = await signIn(context, ADMIN);
    await page.goto(`${product.url}/console/accounts/pv-1`);
    await expect.poll(() => page.locator("#privacy").count()).toBe(1);
    await page
      .getByLabel("Reason (required, audited)")
      .fill("Player asked for a copy and then deletion, ticket #900");
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export data" }).click();
    const file = await download;
    const text = await (await file.createReadStream()).toArray();
    const doc = JSON.parse(Buffer.concat(text as Buffer[]).toString("utf8"));
    expect(Object.keys(doc.services).sort()).toEqual(["account-security", "logger", "portal", "responder"]);
    await page.getByRole("button", { name: "Erase this account's data…" }).click();
    await page.getByLabel("Type the account id to confirm the erase:").fill("pv-2");
    await page.getByRole("button", { name: "Erase now" }).click();
    await expect.poll(() => page.locator("#privacy-result").textContent()).toContain("does not match");
    await page.getByLabel("Type the account id to confirm the erase:").fill("pv-1");
    await page.getByRole("button", { name: "Erase now" }).click();
    await expect
      .poll(() => page.locator("#privacy-result").textContent(), { timeout: 30_000 })
      .toContain("Erased in every service.");
    const rows = await audit("accountId=pv-1&action=account_erased");
    expect(rows[0]).toMatchObject({ actor: { email: ADMIN.email }, details: {} });
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);
});
