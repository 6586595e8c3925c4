import type { Page } from "playwright-core";
import { expect } from "vitest";
import { totpCode } from "./portal-fixture";

/** Per email: the secret enrolled in the browser and the last step used (one code per step). */
const secrets = new Map<string, { secret: string; step: number; recovery: string[] }>();

/** The next code for a secret that no sign-in used yet (this step, or the next within the drift window). */
function nextCode(email: string): string {
  const known = secrets.get(email)!;
  const now = Math.floor(Date.now() / 30_000);
  const step = Math.max(now, known.step + 1);
  // Beyond one step of drift the server would refuse: a recovery code, as a person out of codes would.
  if (step > now + 1 && known.recovery.length > 0) return known.recovery.pop()!;
  known.step = step;
  return totpCode(known.secret, step * 30_000);
}

/**
 * After email and password were submitted in the console: enrols TOTP as a person would (reads the
 * key shown under the QR code, types the app's code, notes the recovery codes) or, once enrolled,
 * types the current code. Answers the recovery codes of a new enrolment.
 */
export async function passSecondFactor(page: Page, email: string): Promise<string[]> {
  const code = page.locator("#sign-in-code");
  await expect.poll(() => code.count()).toBe(1);
  if (!secrets.has(email)) {
    await expect.poll(() => page.locator("#mfa-qr").isVisible()).toBe(true);
    const src = (await page.locator("#mfa-qr").getAttribute("src")) ?? "";
    expect(src).toMatch(/^data:image\/png;base64,/);
    const secret = ((await page.locator("#mfa-secret").textContent()) ?? "").trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    secrets.set(email, { secret, step: 0, recovery: [] });
    await code.fill(nextCode(email));
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.locator("#recovery-codes").count()).toBe(1);
    const recovery = ((await page.locator("#recovery-codes").textContent()) ?? "").split("\n");
    secrets.get(email)!.recovery.push(...recovery);
    await page.getByRole("button", { name: "Continue" }).click();
    return recovery;
  }
  await code.fill(nextCode(email));
  await page.getByRole("button", { name: "Sign in" }).click();
  return [];
}
