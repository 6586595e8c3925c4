import { describe, expect, it } from "vitest";
import { at, eventually, useEmbeddedProduct } from "./product";

const KR = "175.223.10.4";
const BR = "177.67.80.1";

/**
 * issue 9 point 1: one byte in free text from the game client must not take a login past the
 * rules. Before the fix the NUL made the logger's insert fail, the login was dead-lettered and
 * the account stayed unlocked with no line in its history.
 */
describe("fail closed on the security path (embedded)", () => {
  const fixture = useEmbeddedProduct("fail-closed");

  it("KR, KR, then BR ten minutes later with a NUL in the user agent: locked, and the login in the history", async () => {
    const account = `nul-ua-${Date.now().toString(36)}`;
    const product = fixture.product;
    const res = await product.api.postLogins([
      { accountId: account, occurredAt: at(0), ip: KR, result: "success", sessionId: "s1" },
      { accountId: account, occurredAt: at(5), ip: KR, result: "success", sessionId: "s2" },
      {
        accountId: account,
        occurredAt: at(15),
        ip: BR,
        result: "success",
        sessionId: "s3",
        userAgent: "Evil\u0000Agent",
      },
    ]);
    expect(res.status).toBe(202);

    const status = await eventually("the account locked", async () => {
      const s = await product.api.status(account);
      return s.body.locked ? s.body : undefined;
    });
    expect(status.reason).toBe("impossible_travel");

    const items = await eventually("three history lines, the newest with the lock", async () => {
      const h = await product.api.history(account);
      const lines = h.body?.items as Array<Record<string, unknown>> | undefined;
      return lines && lines.length === 3 && lines[0]?.action === "lock" ? lines : undefined;
    });
    expect(items.map((i) => i.country)).toEqual(["BR", "KR", "KR"]);
    // Stored as text with the control character removed, not mangled or dropped.
    expect(JSON.stringify(items[0])).not.toContain("\\u0000");
  });
});
