import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { at, eventually, type ProductApi, type Receivers } from "./product";

const KR = "175.223.10.4";
const KR_MAPPED = "::ffff:175.223.10.4";
const BR = "177.67.80.1";
const BR_MAPPED = "::ffff:177.67.80.1";
const JP = "126.0.0.1";
const STUFFER = "45.32.0.1";
/** A private address; the CC0 database itself maps 192.168.1.1 to a country. */
const PRIVATE = "192.168.1.1";

/** A history line or audit record as the tests read it. */
// biome-ignore lint/suspicious/noExplicitAny: assertions walk arbitrary JSON answers
type Row = Record<string, any>;

export interface PipelineHarness {
  /** The product's HTTP API (one process, or a proxy in front of one process per service). */
  product: { api: ProductApi };
  receivers: Receivers;
  cleanup(): Promise<void>;
}

/**
 * The product's promises end to end (issue "The pipeline end to end"), from HTTP in to decisions,
 * emails, webhooks and history, against whatever `start` runs: embedded or distributed.
 */
export function describePipeline(mode: string, start: () => Promise<PipelineHarness>): void {
  describe(`pipeline end to end: ${mode}`, () => {
    let h: PipelineHarness;
    const id = (name: string) => `${mode}-${name}-${Date.now().toString(36)}`;
    const mailsTo = (address: string) =>
      h.receivers.smtp.received.filter((m) => m.envelopeTo.includes(address));
    const lines = async (accountId: string) => {
      const res = await h.product.api.history(accountId);
      expect(res.status).toBe(200);
      return res.body.items as Array<Row>;
    };
    const linesWhen = (accountId: string, n: number, pred: (items: Array<Row>) => boolean = () => true) =>
      eventually(`${n} history lines for ${accountId}`, async () => {
        const items = await lines(accountId);
        return items.length >= n && pred(items) ? items : undefined;
      });

    beforeAll(async () => {
      h = await start();
    });
    afterAll(async () => {
      await h?.cleanup();
    });

    it("locks, kicks and emails on impossible travel; a staff unlock is audited and the player told", async () => {
      const account = id("travel");
      const email = `${account}@example.test`;
      const api = h.product.api;
      expect((await api.setContact(account, { email, language: "en" })).status).toBe(200);
      const accepted = await api.postLogins([
        { accountId: account, occurredAt: at(0), ip: KR, result: "success", sessionId: "s-kr-1" },
        { accountId: account, occurredAt: at(5), ip: KR, result: "success", sessionId: "s-kr-2" },
        { accountId: account, occurredAt: at(15), ip: BR, result: "success", sessionId: "s-br" },
      ]);
      expect(accepted.status).toBe(202);
      expect(accepted.body.accepted).toBe(3);

      const status = await eventually("the account locked", async () => {
        const s = await api.status(account);
        return s.body.locked ? s.body : undefined;
      });
      expect(status.reason).toBe("impossible_travel");

      const kick = await eventually("a signed player.kick webhook", async () =>
        h.receivers.webhooks
          .accepted()
          .find((w) => w.type === "player.kick" && JSON.stringify(w.data).includes(account)),
      );
      expect(JSON.stringify(kick.data)).toContain("s-br");
      expect(h.receivers.webhooks.forged()).toHaveLength(0);

      const [mail] = await eventually("the lock email", async () =>
        mailsTo(email).length > 0 ? mailsTo(email) : undefined,
      );
      expect(mail!.mail.subject).toMatch(/lock/i);
      expect(mail!.mail.text).toContain("Brazil");
      expect(mail!.mail.text).toMatch(/\/answer#t=a1\./);

      const items = await linesWhen(account, 3, (i) => i[0]?.action === "lock");
      expect(items.map((i) => i.country)).toEqual(["BR", "KR", "KR"]);
      expect(items[0]!.reasons).toContain("impossible_travel");
      expect(items[0]!.explanation).toMatch(/locked your account.*Brazil.*South Korea/);
      expect(items[1]!.action).toBeNull();

      const unlocked = await api.unlock(account, "Player called support and proved ownership (ticket 4711)");
      expect(unlocked.status).toBe(200);
      await eventually(
        "the status cache unlocked",
        async () => (await api.status(account)).body.locked === false,
      );
      const audit = await api.audit(account);
      expect(audit.status).toBe(200);
      const record = (audit.body.items as Array<Row>).find((a) => JSON.stringify(a).includes("ticket 4711"));
      expect(record).toBeDefined();
      await eventually("the unlocked email", async () =>
        mailsTo(email).some((m) => /unlock/i.test(m.mail.subject ?? "")),
      );
    });

    it("only notifies on a new country reached at a plausible speed", async () => {
      const account = id("newcountry");
      const email = `${account}@example.test`;
      await h.product.api.setContact(account, { email });
      await h.product.api.postLogins([
        { accountId: account, occurredAt: at(0), ip: KR, result: "success" },
        { accountId: account, occurredAt: at(600), ip: JP, result: "success" },
      ]);
      const items = await linesWhen(account, 2, (i) => i[0]?.action === "notify");
      expect(items[0]!.reasons).toEqual(["new_country"]);
      await eventually("the new-country email", async () => mailsTo(email).length === 1);
      expect((await h.product.api.status(account)).body.locked).toBe(false);
    });

    it("notifies on 30 failed logins and never locks", async () => {
      const account = id("failures");
      const email = `${account}@example.test`;
      await h.product.api.setContact(account, { email });
      await h.product.api.postLogins(
        Array.from({ length: 30 }, (_, n) => ({
          accountId: account,
          occurredAt: at(n * 0.1),
          ip: KR,
          result: "failure" as const,
        })),
      );
      const items = await linesWhen(account, 30, (i) => i.some((x) => x.reasons?.includes("failure_burst")));
      expect(items.every((i) => i.action !== "lock")).toBe(true);
      await eventually("one failure-burst email", async () => mailsTo(email).length >= 1);
      expect((await h.product.api.status(account)).body.locked).toBe(false);
    });

    it("flags an IP that fails on 50 accounts and treats a success from it as a takeover", async () => {
      const victim = id("victim");
      const now = Date.now();
      await h.product.api.setContact(victim, { email: `${victim}@example.test` });
      await h.product.api.postLogins({
        accountId: victim,
        occurredAt: new Date(now - 3600_000).toISOString(),
        ip: KR,
        result: "success",
      });
      await linesWhen(victim, 1);
      await h.product.api.postLogins(
        Array.from({ length: 50 }, (_, n) => ({
          accountId: id(`stuffed-${n}`),
          occurredAt: new Date(now - 60_000 + n * 100).toISOString(),
          ip: STUFFER,
          result: "failure" as const,
        })),
      );
      await eventually(
        "the IP flagged in status answers",
        async () => (await h.product.api.status(victim, STUFFER)).body.ipFlagged === true,
      );
      expect((await h.product.api.status(victim, KR)).body.ipFlagged).toBe(false);
      await h.product.api.postLogins({
        accountId: victim,
        occurredAt: new Date(now).toISOString(),
        ip: STUFFER,
        result: "success",
      });
      const items = await linesWhen(victim, 2, (i) => i[0]?.action === "lock");
      expect(items[0]!.reasons).toContain("takeover_suspected");
      expect((await h.product.api.status(victim)).body.locked).toBe(true);
    });

    it("accepts the same eventId once: one history line, one decision, one email", async () => {
      const account = id("dup");
      const email = `${account}@example.test`;
      await h.product.api.setContact(account, { email });
      await h.product.api.postLogins({
        eventId: `${account}-home`,
        accountId: account,
        occurredAt: at(0),
        ip: KR,
        result: "success",
      });
      const again = {
        eventId: `${account}-abroad`,
        accountId: account,
        occurredAt: at(900),
        ip: JP,
        result: "success" as const,
      };
      const first = await h.product.api.postLogins(again);
      const second = await h.product.api.postLogins(again);
      expect([first.status, second.status]).toEqual([202, 202]);
      expect(second.body.eventIds).toEqual([`${account}-abroad`]);
      await linesWhen(account, 2, (i) => i[0]?.action === "notify");
      await eventually("the email", async () => mailsTo(email).length >= 1);
      await new Promise((r) => setTimeout(r, 1500));
      expect(await lines(account)).toHaveLength(2);
      expect(mailsTo(email)).toHaveLength(1);
    });

    it("rejects a batch with one invalid item whole, with per-item errors", async () => {
      const account = id("invalid-batch");
      const res = await h.product.api.postLogins([
        { accountId: account, occurredAt: at(0), ip: KR, result: "success" },
        { accountId: account, occurredAt: at(1), ip: "999.1.1.1", result: "success" },
      ]);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.errors)).toMatch(/1.*ip|ip.*1/);
      // A later valid login of the same account is recorded; the rejected batch never is.
      await h.product.api.postLogins({ accountId: account, occurredAt: at(2), ip: KR, result: "success" });
      await linesWhen(account, 1);
      await new Promise((r) => setTimeout(r, 1000));
      expect(await lines(account)).toHaveLength(1);
    });

    it("never counts a private IP as a new country and locates IPv4-mapped IPv6 like IPv4", async () => {
      const account = id("private");
      await h.product.api.postLogins([
        { accountId: account, occurredAt: at(0), ip: KR_MAPPED, result: "success" },
        { accountId: account, occurredAt: at(30), ip: PRIVATE, result: "success" },
        { accountId: account, occurredAt: at(24 * 60), ip: BR_MAPPED, result: "success" },
      ]);
      const items = await linesWhen(account, 3, (i) => i[0]?.action === "notify");
      expect(items.map((i) => i.country)).toEqual(["BR", null, "KR"]);
      expect(items[1]!.action).toBeNull();
      expect(items[1]!.reasons).toEqual([]);
      expect(items[0]!.reasons).toEqual(["new_country"]);
    });
  });
}
