import { join } from "node:path";
import { PassThrough } from "node:stream";
import { mintPlayerToken } from "@loginguard/auth";
import { requireComponents } from "@loginguard/testing";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The CLI command itself (the cli package exports only its start API).
import { staffCommand } from "../../cli/src/commands/staff";
import { accessibilityGaps, lowContrastText } from "./a11y";
import { passSecondFactor } from "./browser-mfa";
import {
  call,
  eventually,
  minutesAgo,
  type Product,
  postLogins,
  putContact,
  screenshotDir,
  security,
  startProduct,
  unlockCodeFromOutbox,
} from "./product";

const missing = requireComponents("chromium");

const CHROME_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36";
const IPHONE_UA =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
const XSS_UA = `<img src=x onerror="alert('ua');window.__xss='ua'">`;
const XSS_DEVICE = `<script>alert('device');window.__xss='device'</script>`;
const XSS_ACCOUNT = `<img src=x onerror="alert('account');window.__xss='account'">`;
const STAFF = { email: "night.shift@example.com", password: "correct horse battery staple" };
const ADMIN = { email: "lead@example.com", password: "admin password for tests" };

const KR = ["175.223.10.4", "211.234.100.1"];
const BR = "200.147.0.1";
const JP = "133.242.0.1";

/** The pages must never run injected markup: no dialogs, no flag set by an injected handler. */
async function assertNothingRan(page: Page, dialogs: string[]): Promise<void> {
  expect(dialogs).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();
  expect(await page.locator('img[src="x"]').count()).toBe(0);
}

describe.skipIf(missing.skip)("portal in Chromium against the whole product (embedded)", () => {
  let product: Product;
  let browser: Browser;
  let shots: string;
  let lockLoginId: string;

  const newContext = (phone = false): Promise<BrowserContext> =>
    browser.newContext({
      viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 900 },
      deviceScaleFactor: phone ? 2 : 1,
      isMobile: phone,
      hasTouch: phone,
      locale: "en-US",
      timezoneId: "Asia/Seoul",
      userAgent: phone ? IPHONE_UA : undefined,
    });

  /** A page that records dialogs and fails on page errors. */
  async function openPage(context: BrowserContext, dialogs: string[] = []): Promise<Page> {
    const page = await context.newPage();
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on("pageerror", (err) => dialogs.push(`pageerror: ${err.message}`));
    return page;
  }

  beforeAll(async () => {
    shots = screenshotDir();
    [product, browser] = await Promise.all([
      startProduct({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }),
      chromium.launch({
        executablePath: "/usr/bin/chromium",
        headless: true,
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
      }),
    ]);
    // Contacts the game platform keeps current: the unlock code goes to the email.
    await putContact(product, "player-1", { email: "player1@example.com", language: "en" });
    await putContact(product, "player-2", { email: "player2@example.com", language: "en" });
    await putContact(product, "player-3", { email: "player3@example.com", language: "en" });
    lockLoginId = "evt-p1-br";
    await postLogins(product, [
      // player-1: home in Korea, then Brazil ten minutes later.
      {
        eventId: "evt-p1-kr1",
        accountId: "player-1",
        occurredAt: minutesAgo(40),
        ip: KR[0]!,
        result: "success",
        userAgent: CHROME_UA,
      },
      {
        eventId: "evt-p1-fail",
        accountId: "player-1",
        occurredAt: minutesAgo(31),
        ip: KR[1]!,
        result: "failure",
        userAgent: CHROME_UA,
      },
      {
        eventId: "evt-p1-kr2",
        accountId: "player-1",
        occurredAt: minutesAgo(30),
        ip: KR[1]!,
        result: "success",
        userAgent: IPHONE_UA,
      },
      {
        eventId: lockLoginId,
        accountId: "player-1",
        occurredAt: minutesAgo(20),
        ip: BR,
        result: "success",
        sessionId: "s-br",
        userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0",
      },
      // player-2: the same, with markup where a game server passes text through.
      {
        eventId: "evt-p2-kr1",
        accountId: "player-2",
        occurredAt: minutesAgo(40),
        ip: KR[0]!,
        result: "success",
        userAgent: CHROME_UA,
      },
      {
        eventId: "evt-p2-kr2",
        accountId: "player-2",
        occurredAt: minutesAgo(30),
        ip: KR[1]!,
        result: "success",
        userAgent: CHROME_UA,
      },
      {
        eventId: "evt-p2-br",
        accountId: "player-2",
        occurredAt: minutesAgo(20),
        ip: BR,
        result: "success",
        userAgent: XSS_UA,
        deviceId: XSS_DEVICE,
      },
      // player-3: Korea, then Japan half a day later: a new country, a notification, no lock.
      {
        eventId: "evt-p3-kr",
        accountId: "player-3",
        occurredAt: minutesAgo(12 * 60),
        ip: KR[0]!,
        result: "success",
        userAgent: CHROME_UA,
      },
      {
        eventId: "evt-p3-jp",
        accountId: "player-3",
        occurredAt: minutesAgo(30),
        ip: JP,
        result: "success",
        userAgent: CHROME_UA,
      },
    ]);
    await eventually("player-1 and player-2 locked", async () => {
      const [a, b] = await Promise.all([security(product, "player-1"), security(product, "player-2")]);
      return a.state.locked && b.state.locked;
    });
    // The history line shows the lock once the logger has recorded the decision.
    await eventually("the lock on player-1's history line", async () => {
      const { items } = await call<{ items: Array<{ eventId: string; action: string | null }> }>(
        product,
        "/v1/accounts/player-1/logins",
      );
      return items.find((i) => i.eventId === lockLoginId)?.action === "lock";
    });
    await eventually("the notice to player-3 on its history line", async () => {
      const { items } = await call<{ items: Array<{ eventId: string; action: string | null }> }>(
        product,
        "/v1/accounts/player-3/logins",
      );
      return items.find((i) => i.eventId === "evt-p3-jp")?.action === "notify";
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  it("scenario 1: a locked player sees why, unlocks with the emailed code, and sets travel mode", async () => {
    const context = await newContext();
    const dialogs: string[] = [];
    const page = await openPage(context, dialogs);
    const token = await mintPlayerToken("player-1", product.playerSecret, 900);
    await page.goto(`${product.url}/auth/player?token=${token}`);
    expect(new URL(page.url()).pathname).toBe("/me");

    const status = page.locator("#status-body");
    await expect.poll(() => status.textContent()).toContain("Your account is locked.");
    await expect
      .poll(() => status.textContent())
      .toMatch(
        /We locked your account: a sign-in from Brazil came 10 minutes after one from South Korea, [\d,]+ km away\./,
      );
    const lines = page.locator("#history-list > li");
    await expect.poll(() => lines.count()).toBe(4);
    const lockLine = lines.first();
    expect(await lockLine.textContent()).toContain("Brazil");
    expect(await lockLine.textContent()).toContain("Account locked");
    expect(await lockLine.textContent()).toMatch(/200\.147\.0\.\*|200\.147\.0\.x|200\.147\.0\.0/);
    expect(await lines.nth(1).textContent()).toContain("South Korea");
    expect(await lines.nth(2).textContent()).toContain("Failed sign-in");
    // Local time in the browser's zone (Asia/Seoul).
    expect(await lockLine.locator("time").textContent()).toContain("GMT+9");
    expect(await page.locator("#unlock").isVisible()).toBe(true);
    // Four lines fit one page: no "Show more"; travel mode is off: nothing to end.
    expect(await page.locator("#more").isVisible()).toBe(false);
    expect(await page.locator("#travel-end").isVisible()).toBe(false);
    expect(await lowContrastText(page)).toEqual([]);
    expect(await accessibilityGaps(page)).toEqual([]);
    await page.screenshot({ path: join(shots, "player-history-locked.png"), fullPage: true });

    // Keyboard: the first Tab reaches the skip link, which leads into the main content; focus is visible.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.className)).toBe("skip");
    expect(await page.evaluate(() => getComputedStyle(document.activeElement as Element).boxShadow)).not.toBe(
      "none",
    );
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
    await page.locator("#send-code").focus();
    expect(
      await page.evaluate(() => getComputedStyle(document.activeElement as Element).boxShadow),
    ).toContain("rgb(11, 87, 208)");

    // Self-service unlock: ask for a code by email, read it from the outbox, enter it.
    const asked = Date.now() - 1000;
    await page.getByRole("button", { name: "Send code" }).click();
    await expect.poll(() => page.locator("#unlock-result").textContent()).toContain("a code is on its way");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("code");
    const code = await unlockCodeFromOutbox(product, "player-1", asked);
    // A wrong code first: the page says how many tries are left.
    const wrong = code === "000000" ? "111111" : "000000";
    await page.getByLabel("6-digit code").fill(wrong);
    await page.getByRole("button", { name: "Unlock", exact: true }).click();
    await expect.poll(() => page.locator("#unlock-result").textContent()).toContain("4 tries left");
    await page.getByLabel("6-digit code").fill(code);
    await page.screenshot({ path: join(shots, "player-unlock.png"), fullPage: true });
    await page.getByRole("button", { name: "Unlock", exact: true }).click();
    await expect.poll(() => status.textContent()).toContain("Your account is active.");
    expect(await status.textContent()).toContain("Your account is unlocked.");
    expect(await status.textContent()).toContain("Change your password now");
    expect(await page.locator("#unlock").isVisible()).toBe(false);
    expect((await security(product, "player-1")).state.locked).toBe(false);
    await page.screenshot({ path: join(shots, "player-unlocked.png"), fullPage: true });

    // Travel mode: allow Japan until a date.
    await page.locator("#travel-country").selectOption("JP");
    const until = new Date(Date.now() + 10 * 86_400_000);
    const day = `${until.getFullYear()}-${String(until.getMonth() + 1).padStart(2, "0")}-${String(until.getDate()).padStart(2, "0")}`;
    await page.locator("#travel-until").fill(day);
    await page.getByRole("button", { name: "Allow while travelling" }).click();
    await expect.poll(() => page.locator("#travel-state").textContent()).toMatch(/Japan is allowed until/);
    expect(await page.locator("#travel-end").isVisible()).toBe(true);
    const saved = await call<{ state: { travel: { country: string } | null } }>(
      product,
      "/v1/accounts/player-1/security",
    );
    expect(saved.state.travel?.country).toBe("JP");

    await assertNothingRan(page, dialogs);
    await context.close();
  });

  it("scenario 1 on a phone and in Korean: readable, 44px targets", async () => {
    const context = await newContext(true);
    const page = await openPage(context);
    const token = await mintPlayerToken("player-2", product.playerSecret, 900);
    await page.goto(`${product.url}/auth/player?token=${token}`);
    await expect.poll(() => page.locator("#history-list > li").count()).toBe(3);
    await expect.poll(() => page.locator("#status-body").textContent()).toContain("Brazil");
    // Nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const small = await page.evaluate(() =>
      Array.from(document.querySelectorAll("button, a, input, select"))
        .filter((e) => (e as HTMLElement).offsetParent !== null && e.getAttribute("type") !== "radio")
        .map((e) => ({ e: e.outerHTML.slice(0, 60), h: e.getBoundingClientRect().height }))
        .filter((x) => x.h < 44),
    );
    expect(small).toEqual([]);
    await page.screenshot({ path: join(shots, "player-history-phone.png"), fullPage: true });
    await page.getByRole("link", { name: "한국어" }).click();
    await expect.poll(() => page.locator("#status-body").textContent()).toContain("계정이 잠겨 있습니다.");
    expect(await page.locator("html").getAttribute("lang")).toBe("ko");
    expect(await page.locator("#status-body").textContent()).toContain("브라질");
    expect(await lowContrastText(page)).toEqual([]);
    await page.screenshot({ path: join(shots, "player-history-phone-ko.png"), fullPage: true });
    // Remembered: the next visit stays Korean.
    await page.goto(`${product.url}/me`);
    expect(await page.locator("h1").textContent()).toBe("내 로그인 기록");
    await context.close();
  });

  it('"Was this you?" from the email link: No locks the account and leads into unlock', async () => {
    const context = await newContext();
    const page = await openPage(context);
    const token = await mintPlayerToken("player-3", product.playerSecret, 900);
    await page.goto(`${product.url}/auth/player?token=${token}`);
    // The email's link, clicked on another site (localhost is another site than 127.0.0.1): the
    // browser leaves the SameSite=Strict cookie out, and the portal navigates once more to get it.
    await page.goto(`${product.url.replace("127.0.0.1", "localhost")}/healthz`);
    await page.evaluate((href) => {
      const a = document.createElement("a");
      a.href = href;
      a.id = "email-link";
      a.textContent = "Was this you?";
      document.body.append(a);
    }, `${product.url}/me?answer=evt-p3-jp`);
    await page.click("#email-link");
    await page.waitForURL("**/me?answer=evt-p3-jp&from=link");
    await expect.poll(() => page.locator("#answer-prompt").textContent()).toContain("Japan");
    await expect.poll(() => page.locator("#status-body").textContent()).toContain("Your account is active.");
    await page.screenshot({ path: join(shots, "player-was-this-you.png"), fullPage: true });
    await page.getByRole("button", { name: "No, it wasn't me" }).click();
    await expect.poll(() => page.locator("#answer-result").textContent()).toContain("We locked your account");
    expect(await page.locator("#answer-result").textContent()).toContain("Change your password now");
    await expect.poll(() => page.locator("#status-body").textContent()).toContain("Your account is locked.");
    expect(await page.locator("#unlock").isVisible()).toBe(true);
    expect((await security(product, "player-3")).state.locked).toBe(true);
    await context.close();
  });

  it("scenario 2: a staff member signs in, finds the account, unlocks with a reason, and the audit shows it", async () => {
    // The staff account, made with `loginguard staff add` against the running instance.
    const stdin = new PassThrough();
    stdin.end(`${STAFF.password}\n`);
    const out = new PassThrough();
    const code = await staffCommand(
      ["add", "--email", STAFF.email, "--role", "support", "--password-stdin", "--url", product.url],
      { env: { DATA_DIR: product.dataDir }, stdin, stdout: out, stderr: out },
    );
    expect(code).toBe(0);

    const context = await newContext();
    const dialogs: string[] = [];
    const page = await openPage(context, dialogs);
    await page.goto(`${product.url}/console`);
    expect(await accessibilityGaps(page)).toEqual([]);
    await page.getByLabel("Email").fill(STAFF.email);
    await page.getByLabel("Password").fill(STAFF.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Support console");
    await expect.poll(() => page.locator("#overview-body").textContent()).toContain("Decisions by rule");
    expect(await page.locator("#overview-body").textContent()).toContain("impossible_travel");
    await page.screenshot({ path: join(shots, "console-overview.png"), fullPage: true });

    await page.getByLabel("Account id").fill("player-2");
    await page.getByRole("button", { name: "Open" }).click();
    await page.waitForURL("**/console/accounts/player-2");
    const lock = page.locator("#lock-body");
    await expect.poll(() => lock.textContent()).toContain("Locked since");
    expect(await lock.textContent()).toContain("impossible_travel");
    await expect.poll(() => page.locator("#decisions-body").textContent()).toContain("impossible_travel");
    expect(await page.locator("#decisions-body").textContent()).toMatch(
      /Brazil came 10 minutes after one from South Korea/,
    );
    await expect.poll(() => page.locator("#history-body").textContent()).toContain(XSS_UA);
    // The markup in userAgent and deviceId is shown as text and runs nowhere.
    expect(await page.locator("#history-body").textContent()).toContain(XSS_DEVICE);
    await expect
      .poll(() => page.locator("#notifications-body").textContent())
      .toMatch(/delivered|skipped|failed/);
    await assertNothingRan(page, dialogs);
    expect(await lowContrastText(page)).toEqual([]);
    expect(await accessibilityGaps(page)).toEqual([]);
    await page.screenshot({ path: join(shots, "console-account.png"), fullPage: true });

    // A reason is required, then a confirmation step.
    await page.getByRole("button", { name: "Unlock…" }).click();
    await expect.poll(() => page.locator("#unlock-result").textContent()).toContain("Write a reason first.");
    const reason = "Player verified by phone: date of birth and last purchase match, ticket #4471";
    await page.getByLabel("Reason (required; kept in the audit trail)").fill(reason);
    await page.getByRole("button", { name: "Unlock…" }).click();
    const dialog = page.locator("#confirm-dialog");
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.textContent()).toContain(reason);
    await page.screenshot({ path: join(shots, "console-unlock-confirm.png") });
    await page.getByRole("button", { name: "Unlock now" }).click();
    await expect.poll(() => page.locator("#unlock-result").textContent()).toContain("Unlocked.");
    await expect.poll(() => lock.textContent()).toContain("Not locked.");
    expect((await security(product, "player-2")).state.locked).toBe(false);

    // The audit trail: who, whom, why, when, from where.
    const audit = page.locator("#audit-body");
    await expect.poll(() => audit.textContent()).toContain(reason);
    const row = audit.locator("tbody tr").filter({ hasText: reason });
    expect(await row.textContent()).toContain(STAFF.email);
    expect(await row.textContent()).toContain("unlock");
    expect(await row.textContent()).toContain("127.0.0.1");
    expect(await row.locator("time").getAttribute("datetime")).toMatch(/^\d{4}-\d\d-\d\dT/);
    const trail = await call<{
      items: Array<{ accountId: string; reason: string; actor: { email: string }; clientIp: string }>;
    }>(product, "/v1/audit?accountId=player-2");
    expect(trail.items[0]).toMatchObject({
      accountId: "player-2",
      reason,
      actor: { email: STAFF.email },
      clientIp: "127.0.0.1",
    });
    await page.locator("#audit").scrollIntoViewIfNeeded();
    await page.locator("#audit").screenshot({ path: join(shots, "console-audit.png") });
    await page.screenshot({ path: join(shots, "console-account-unlocked.png"), fullPage: true });

    // The outbox shows what would have been sent, the unlock notice included.
    await page.getByRole("link", { name: "Outbox" }).click();
    await expect.poll(() => page.locator("#outbox-body").textContent()).toContain("player2@example.com");
    await page.screenshot({ path: join(shots, "console-outbox.png"), fullPage: true });
    await assertNothingRan(page, dialogs);
    await context.close();
  });

  it("an admin (ADMIN_EMAIL at first start) adds a staff member from the console", async () => {
    const context = await newContext();
    const dialogs: string[] = [];
    const page = await openPage(context, dialogs);
    await page.goto(`${product.url}/console`);
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect
      .poll(() => page.locator("#sign-in-result").textContent())
      .toContain("Wrong email or password.");
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    // Admins enrol TOTP at their first sign-in (issue 14).
    expect(await passSecondFactor(page, ADMIN.email)).toHaveLength(10);
    await page.getByRole("link", { name: "Staff" }).click();
    await page.waitForURL("**/console/staff");
    await expect.poll(() => page.locator("#staff-list-body").textContent()).toContain(ADMIN.email);
    await page.getByLabel("Email").fill("day.shift@example.com");
    await page.getByLabel("Role").selectOption("support");
    await page.getByLabel("Password").fill("day shift password 1");
    await page.getByRole("button", { name: "Add" }).click();
    await expect
      .poll(() => page.locator("#staff-result").textContent())
      .toContain("Added day.shift@example.com.");
    await expect
      .poll(() => page.locator("#staff-list-body").textContent())
      .toContain("day.shift@example.com");
    expect(await accessibilityGaps(page)).toEqual([]);
    await page.screenshot({ path: join(shots, "console-staff.png"), fullPage: true });
    // Signing out ends the session for the portal.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/console");
    await expect.poll(() => page.locator("h1").textContent()).toBe("Staff sign-in");
    await assertNothingRan(page, dialogs);
    await context.close();
  });

  it("shows markup in an accountId as text on the player page and in the console", async () => {
    const context = await newContext();
    const dialogs: string[] = [];
    const page = await openPage(context, dialogs);
    const token = await mintPlayerToken(XSS_ACCOUNT, product.playerSecret, 900);
    await page.goto(`${product.url}/auth/player?token=${encodeURIComponent(token)}`);
    expect(await page.locator(".account-line strong").textContent()).toBe(XSS_ACCOUNT);
    await expect.poll(() => page.locator("#history-status").textContent()).toContain("No sign-ins yet.");
    await assertNothingRan(page, dialogs);
    await page.goto(`${product.url}/console`);
    await page.getByLabel("Email").fill(STAFF.email);
    await page.getByLabel("Password").fill(STAFF.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByLabel("Account id").fill(XSS_ACCOUNT);
    await page.getByRole("button", { name: "Open" }).click();
    await page.waitForURL(`**/console/accounts/${encodeURIComponent(XSS_ACCOUNT)}`);
    expect(await page.locator("h1 .mono").textContent()).toBe(XSS_ACCOUNT);
    await expect.poll(() => page.locator("#lock-body").textContent()).toContain("Not locked.");
    await assertNothingRan(page, dialogs);
    await context.close();
  });
});
