import { requireComponents } from "@loginguard/testing";
import { startWebhookReceiver, type WebhookReceiver } from "@loginguard/testing/webhooks";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { passSecondFactor } from "./browser-mfa";
import { call, eventually, minutesAgo, type Product, postLogins, putContact, startProduct } from "./product";

const missing = requireComponents("chromium");

const WEBHOOK_SECRET = `whsec_${Buffer.alloc(32, 9).toString("base64")}`;
const ADMIN = { email: "lead@example.com", password: "admin password for tests" };
const KR = ["175.223.10.4", "211.234.100.1"];
const JP = "133.242.0.1";

/** The newest outbox message of an account whose text matches `pattern`. */
function outboxLink(product: Product, accountId: string, pattern: RegExp): Promise<string> {
  return eventually(`a message with ${pattern} for ${accountId}`, async () => {
    const { items } = await call<{ items: Array<{ text: string }> }>(
      product,
      `/v1/outbox?accountId=${encodeURIComponent(accountId)}`,
    );
    for (const m of items) {
      const link = pattern.exec(m.text)?.[0];
      if (link) return link;
    }
    return undefined;
  });
}

/** The link as the product serves it here (PUBLIC_URL may name another port). */
function onProduct(product: Product, link: string): string {
  const url = new URL(link);
  return `${product.url}${url.pathname}${url.hash}`;
}

/** Two live sessions at home, then a sign-in from Japan five hours later (new country: notify). */
async function homeThenJapan(product: Product, accountId: string): Promise<string> {
  const jp = `${accountId}-jp`;
  await postLogins(product, [
    {
      eventId: `${accountId}-kr1`,
      accountId,
      occurredAt: minutesAgo(400),
      ip: KR[0]!,
      result: "success",
      sessionId: `${accountId}-s1`,
    },
    {
      eventId: `${accountId}-kr2`,
      accountId,
      occurredAt: minutesAgo(390),
      ip: KR[1]!,
      result: "success",
      sessionId: `${accountId}-s2`,
    },
    {
      eventId: jp,
      accountId,
      occurredAt: minutesAgo(60),
      ip: JP,
      result: "success",
      sessionId: `${accountId}-s3`,
    },
  ]);
  return jp;
}

describe.skipIf(missing.skip)(
  "'was this you?' closes the loop, in Chromium against the whole product",
  () => {
    let product: Product;
    let browser: Browser;
    let game: WebhookReceiver;

    beforeAll(async () => {
      game = await startWebhookReceiver(WEBHOOK_SECRET);
      [product, browser] = await Promise.all([
        startProduct({
          ADMIN_EMAIL: ADMIN.email,
          ADMIN_PASSWORD: ADMIN.password,
          GAME_WEBHOOK_URL: `${game.url}/hooks`,
          GAME_WEBHOOK_SECRET: WEBHOOK_SECRET,
        }),
        chromium.launch({
          executablePath: "/usr/bin/chromium",
          headless: true,
          args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
        }),
      ]);
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await product?.stop();
      await game?.close();
    });

    async function freshPage(): Promise<{ page: Page; errors: string[] }> {
      const context = await browser.newContext({ locale: "en-US", timezoneId: "Asia/Seoul" });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (err) => errors.push(err.message));
      return { page, errors };
    }

    it("'No' from the email link while signed out locks, kicks every session, and staff see it", async () => {
      const accountId = "link-denier";
      await putContact(product, accountId, { email: "denier@example.com", language: "en" });
      const jp = await homeThenJapan(product, accountId);
      const link = await outboxLink(product, accountId, /http\S+\/answer#t=\S+/);
      expect(link).not.toContain(jp); // the token, not the login id, is in the link

      const { page, errors } = await freshPage();
      // Opened from the mail client: a cross-site navigation without any cookie.
      await page.goto(onProduct(product, link), {
        referer: "https://mail.example/",
      });
      await expect.poll(() => page.locator("#question-where").textContent()).toContain("Japan");
      expect(await page.locator("#question-account").textContent()).toBe(accountId);
      expect(page.url()).not.toContain("#t="); // the token left the address bar
      await page.getByRole("button", { name: "No, it wasn't me" }).click();
      await expect
        .poll(() => page.locator("#question-result").textContent())
        .toContain("We locked your account");
      expect(errors).toEqual([]);

      const staffView = await call<{ state: { locked: boolean; reason: string }; answers: unknown[] }>(
        product,
        `/v1/accounts/${accountId}/security`,
      );
      expect(staffView.state).toMatchObject({ locked: true, reason: "player_denied_login" });
      expect(staffView.answers).toEqual([
        expect.objectContaining({ loginEventId: jp, answer: "no", via: "link" }),
      ]);
      // Every live session: the kick names the account, not one session.
      const kick = await eventually("the account-wide kick", async () =>
        game
          .accepted()
          .find(
            (w) =>
              w.type === "player.kick" &&
              w.data.accountId === accountId &&
              (w.data.reasons as string[]).includes("player_denied_login"),
          ),
      );
      expect(kick.data).toMatchObject({ accountId, scope: "account" });
      expect(game.forged()).toEqual([]);

      // The link cannot be used again for the other answer.
      const again = await freshPage();
      await again.page.goto(onProduct(product, link));
      await expect
        .poll(() => again.page.locator("#question-result").textContent())
        .toContain("already answered");
      expect(await again.page.getByRole("button", { name: "Yes, it was me" }).isVisible()).toBe(false);

      // Staff see the answer and the lock in the console.
      const staff = await freshPage();
      await staff.page.goto(`${product.url}/console`);
      await staff.page.getByLabel("Email").fill(ADMIN.email);
      await staff.page.getByLabel("Password").fill(ADMIN.password);
      await staff.page.getByRole("button", { name: "Sign in" }).click();
      // Admins enrol TOTP at their first sign-in (issue 14).
      expect(await passSecondFactor(staff.page, ADMIN.email)).toHaveLength(10);
      await expect.poll(() => staff.page.locator("h1").textContent()).toBe("Support console");
      await staff.page.goto(`${product.url}/console/accounts/${accountId}`);
      await expect.poll(() => staff.page.locator("#staff-answers").textContent()).toContain("was NOT them");
      expect(await staff.page.locator("#staff-answers").textContent()).toContain("email or SMS link");
      expect(await staff.page.locator("#lock-body").textContent()).toContain("player_denied_login");
      expect(staff.errors).toEqual([]);
    });

    it("'Yes' in game through the API adds the country, and the player's page shows the answer", async () => {
      const accountId = "game-confirmer";
      const jp = await homeThenJapan(product, accountId);
      await eventually("the new-country decision", async () => {
        const s = await call<{ decisions: unknown[] }>(product, `/v1/accounts/${accountId}/security`);
        return s.decisions.length > 0;
      });
      const body = { loginEventId: jp, answer: "yes" };
      const first = await call<{
        answer: string;
        repeated: boolean;
        knownCountries: string[];
        locked: boolean;
      }>(product, `/v1/accounts/${accountId}/answers`, { method: "POST", key: product.ingestKey, body });
      expect(first).toMatchObject({ answer: "yes", repeated: false, knownCountries: ["JP"], locked: false });
      const repeated = await call<{ repeated: boolean }>(product, `/v1/accounts/${accountId}/answers`, {
        method: "POST",
        key: product.ingestKey,
        body,
      });
      expect(repeated.repeated).toBe(true);
      await call(product, `/v1/accounts/${accountId}/answers`, {
        method: "POST",
        key: product.ingestKey,
        body: { loginEventId: jp, answer: "no" },
        expect: 409,
      });

      const { page, errors } = await freshPage();
      await page.goto(`${product.url}/dev/sign-in`);
      await page.getByLabel("Account id").fill(accountId);
      await page.getByRole("button", { name: /sign in/i }).click();
      await page.waitForURL("**/me");
      await expect.poll(() => page.locator(".answered-yes").first().textContent()).toContain("in the game");
      expect(
        (await call<{ state: { locked: boolean } }>(product, `/v1/accounts/${accountId}/security`)).state
          .locked,
      ).toBe(false);
      expect(errors).toEqual([]);
    });

    it("a failure-burst notice links to 'secure your account', which opens (never a 404)", async () => {
      const accountId = "burst-victim";
      await putContact(product, accountId, { email: "burst@example.com", language: "en" });
      await postLogins(
        product,
        Array.from({ length: 12 }, (_, i) => ({
          eventId: `${accountId}-f${i}`,
          accountId,
          occurredAt: minutesAgo(10 - i * 0.5),
          ip: "198.51.100.20",
          result: "failure" as const,
        })),
      );
      const link = await outboxLink(product, accountId, /http\S+\/secure-account/);
      const { page, errors } = await freshPage();
      const response = await page.goto(onProduct(product, link));
      expect(response?.status()).toBe(200);
      expect(await page.locator("h1").textContent()).toBe("Secure your account");
      expect(await page.locator("main").textContent()).toContain("change your password in the game");
      expect(await page.locator("button", { hasText: "it was me" }).count()).toBe(0);
      expect(errors).toEqual([]);
      // And the account was not locked by failures alone.
      expect(
        (await call<{ state: { locked: boolean } }>(product, `/v1/accounts/${accountId}/security`)).state
          .locked,
      ).toBe(false);
    });
  },
);
