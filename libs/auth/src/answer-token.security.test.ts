import { describe, expect, it } from "vitest";
import { answerCsrfToken, checkAnswerCsrf, signAnswerToken, verifyAnswerToken } from "./answer-token";
import { mintPlayerToken, verifyPlayerToken } from "./player-token";

const SECRET = "s".repeat(32);
const NOW = Date.parse("2026-12-01T00:00:00Z");
const claims = { accountId: "acc-1", loginEventId: "login-1", expiresAt: NOW + 3_600_000 };

describe("answer link tokens", () => {
  it("round-trips the question's account, login and expiry", () => {
    const token = signAnswerToken(claims, SECRET);
    expect(verifyAnswerToken(token, SECRET, NOW)).toEqual(claims);
  });

  it("refuses expired, tampered and foreign-secret tokens", () => {
    const token = signAnswerToken(claims, SECRET);
    expect(verifyAnswerToken(token, SECRET, claims.expiresAt)).toBeUndefined();
    expect(verifyAnswerToken(token, "t".repeat(32), NOW)).toBeUndefined();
    const [prefix, , sig] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ p: "answer", a: "acc-2", l: "login-1", e: 2e9 })).toString(
      "base64url",
    );
    expect(verifyAnswerToken(`${prefix}.${forged}.${sig}`, SECRET, NOW)).toBeUndefined();
    expect(verifyAnswerToken(`${token}x`, SECRET, NOW)).toBeUndefined();
    expect(verifyAnswerToken("", SECRET, NOW)).toBeUndefined();
    expect(verifyAnswerToken(undefined, SECRET, NOW)).toBeUndefined();
    expect(verifyAnswerToken("a".repeat(5000), SECRET, NOW)).toBeUndefined();
  });

  it("is single-purpose: a link token is no player token, and a player token is no link token", async () => {
    const link = signAnswerToken(claims, SECRET);
    expect(await verifyPlayerToken(link, SECRET)).toBeUndefined();
    const player = await mintPlayerToken("acc-1", SECRET);
    expect(verifyAnswerToken(player, SECRET, Date.now())).toBeUndefined();
  });

  it("binds the CSRF token to the link token", () => {
    const a = signAnswerToken(claims, SECRET);
    const b = signAnswerToken({ ...claims, loginEventId: "login-2" }, SECRET);
    expect(checkAnswerCsrf(a, answerCsrfToken(a, SECRET), SECRET)).toBe(true);
    expect(checkAnswerCsrf(a, answerCsrfToken(b, SECRET), SECRET)).toBe(false);
    expect(checkAnswerCsrf(a, undefined, SECRET)).toBe(false);
  });
});
