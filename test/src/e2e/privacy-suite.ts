import type { BusRecord, Subscription } from "@loginguard/bus";
import { TOPICS } from "@loginguard/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { at, eventually, type Receivers, type RunningProduct } from "./product";

const KR = "175.223.10.4";
const BR = "177.67.80.1";

/** Every table of every service that holds rows of a player account (docs/ARCHITECTURE.md section 9). */
const ACCOUNT_TABLES = [
  "logger.logins",
  "logger.decisions",
  "logger.action_results",
  "responder.contacts",
  "responder.deliveries",
  "responder.notification_slots",
  "responder.outbox",
  "account_security.accounts",
  "account_security.decisions",
  "account_security.recent_logins",
  "account_security.unlock_challenges",
  "portal.decisions",
  "portal.locked_accounts",
];

export interface PrivacyHarness {
  receivers: Receivers;
  /** Starts the product on the same event log and database; `services` as LOGINGUARD_SERVICES. */
  start(services?: string): Promise<RunningProduct>;
  cleanup(): Promise<void>;
}

/**
 * Issue 14's "must be shown" for export and erase, against whatever `harness` runs: the export
 * holds every service's data; after erase no API answers anything and no table holds a row; the
 * audit row stays; an erase asked while the responder is stopped completes when it returns.
 */
export function describePrivacy(mode: string, harness: () => Promise<PrivacyHarness>): void {
  describe(`export and erase: ${mode}`, () => {
    let h: PrivacyHarness;
    let product: RunningProduct | undefined;
    const id = (name: string) => `${mode}-${name}-${Date.now().toString(36)}`;
    const enc = encodeURIComponent;

    beforeAll(async () => {
      h = await harness();
    });
    afterAll(async () => {
      await product?.stop();
      await h?.cleanup();
    });

    async function locked(p: RunningProduct, account: string, email: string) {
      const api = p.api;
      expect((await api.setContact(account, { email, language: "en" })).status).toBe(200);
      const accepted = await api.postLogins([
        { accountId: account, occurredAt: at(0), ip: KR, result: "success", sessionId: "s1" },
        { accountId: account, occurredAt: at(5), ip: KR, result: "success", sessionId: "s2" },
        { accountId: account, occurredAt: at(15), ip: BR, result: "success", sessionId: "s3" },
      ]);
      expect(accepted.status).toBe(202);
      await eventually("the lock, its email and the delivery log", async () => {
        const [status, notes, history] = await Promise.all([
          api.status(account),
          api.admin("GET", `/v1/accounts/${enc(account)}/notifications`),
          api.history(account),
        ]);
        const outcomes = (history.body?.items ?? []).filter((l: { action: unknown }) => l.action);
        const rows = await rowsOf(p, account);
        const everywhere = rows["logger.action_results"]! > 0 && rows["portal.locked_accounts"]! > 0;
        return status.body.locked && notes.body.items.length > 0 && outcomes.length > 0 && everywhere;
      });
    }

    async function rowsOf(p: RunningProduct, account: string): Promise<Record<string, number>> {
      const sql = p.started.platform.db!.sql;
      const counts: Record<string, number> = {};
      for (const table of ACCOUNT_TABLES) {
        const { rows } = await sql.query<{ n: number }>(
          `SELECT count(*) AS n FROM ${table} WHERE account_id = $1`,
          [account],
        );
        counts[table] = Number(rows[0]?.n);
      }
      return counts;
    }

    async function watchTombstones(p: RunningProduct): Promise<{ seen: BusRecord[]; sub: Subscription }> {
      const seen: BusRecord[] = [];
      const sub = await p.started.platform.bus.subscribe({
        group: `privacy-watch-${Date.now().toString(36)}`,
        topics: [TOPICS.accountChanged],
        handleBatch: async (batch) => {
          seen.push(...batch.records.filter((r) => r.value === null));
        },
      });
      return { seen, sub };
    }

    it("exports every service's data, then erases it everywhere; the audit row stays", async () => {
      product = await h.start();
      const api = product.api;
      const account = id("erase");
      const email = `${account}@example.test`;
      await locked(product, account, email);

      const noReason = await api.admin("GET", `/v1/staff/accounts/${enc(account)}/export`);
      expect(noReason.status).toBe(400);
      const exported = await api.admin(
        "GET",
        `/v1/staff/accounts/${enc(account)}/export?reason=${enc("player request #1")}`,
      );
      expect(exported.status).toBe(200);
      const s = exported.body.services;
      expect(Object.keys(s).sort()).toEqual(["account-security", "logger", "portal", "responder"]);
      expect(s.logger["logger.logins"].map((l: { ip: string }) => l.ip).sort()).toEqual([KR, KR, BR]);
      expect(s.logger["logger.decisions"].length).toBeGreaterThan(0);
      expect(s.logger["logger.action_results"].length).toBeGreaterThan(0);
      expect(s.responder["responder.contacts"][0].email).toBe(email);
      expect(s.responder["responder.deliveries"].length).toBeGreaterThan(0);
      expect(s["account-security"]["account_security.accounts"][0].locked).toBe(true);
      expect(s["account-security"]["account_security.decisions"].length).toBeGreaterThan(0);
      expect(s.portal["portal.locked_accounts"]).toHaveLength(1);
      const before = await rowsOf(product, account);
      expect(before["logger.logins"]).toBe(3);
      expect(before["responder.contacts"]).toBe(1);

      const watch = await watchTombstones(product);
      const erase = await api.admin("POST", `/v1/staff/accounts/${enc(account)}/erase`, {
        reason: "GDPR art. 17 request, ticket 42",
      });
      expect(erase.status).toBe(202);
      const again = await api.admin("POST", `/v1/staff/accounts/${enc(account)}/erase`, { reason: "twice" });
      expect(again.status).toBe(202);
      const done = await eventually("the erasure confirmed by every service", async () => {
        const st = await api.admin("GET", `/v1/staff/accounts/${enc(account)}/erase`);
        return st.body.status === "done" ? st.body : undefined;
      });
      expect(done.erasureId).toBe(erase.body.erasureId);
      expect(again.body.erasureId === erase.body.erasureId || again.body.status === "done").toBe(true);
      expect(done.services.map((x: { service: string }) => x.service).sort()).toEqual([
        "account-security",
        "logger",
        "portal",
        "responder",
      ]);

      // No API answers anything for the account.
      expect((await api.history(account)).body.items).toEqual([]);
      expect((await api.status(account)).body.locked).toBe(false);
      const security = await api.admin("GET", `/v1/accounts/${enc(account)}/security`);
      expect(security.body.state.locked).toBe(false);
      expect(security.body.decisions).toEqual([]);
      expect((await api.admin("GET", `/v1/accounts/${enc(account)}/notifications`)).body.items).toEqual([]);
      expect((await api.admin("GET", `/v1/accounts/${enc(account)}/contact`)).status).toBe(404);
      expect((await api.admin("GET", `/v1/outbox?accountId=${enc(account)}`)).body.items).toEqual([]);
      // A direct look at each service's tables finds no row.
      expect(Object.values(await rowsOf(product, account)).every((n) => n === 0)).toBe(true);
      // The compacted topic got a tombstone.
      await eventually("a tombstone on account.changed", async () =>
        watch.seen.some((r) => r.key === account),
      );
      await watch.sub.stop();

      // The audit row stays, with only the account id, staff member, reason and time.
      const audit = await api.audit(account);
      const row = audit.body.items.find((r: { action: string }) => r.action === "account_erased");
      expect(row).toMatchObject({
        accountId: account,
        reason: "GDPR art. 17 request, ticket 42",
        clientIp: null,
        details: {},
      });
      expect(row.actor.id).toBe("api-key:e2e");
      expect(audit.body.items.some((r: { action: string }) => r.action === "account_exported")).toBe(true);

      // An erased account that logs in again starts a fresh history.
      await api.postLogins({ accountId: account, occurredAt: at(60), ip: KR, result: "success" });
      const fresh = await eventually("a fresh history", async () => {
        const items = (await api.history(account)).body.items;
        return items.length > 0 ? items : undefined;
      });
      expect(fresh).toHaveLength(1);
    }, 180_000);

    it("an erasure asked while the responder is stopped stays pending, and is done once it returns", async () => {
      product ??= await h.start();
      const account = id("down");
      const email = `${account}@example.test`;
      await locked(product, account, email);
      await product.stop();
      product = undefined;

      product = await h.start("ingest,ip-checker,logger,account-security,portal,relay");
      const api = product.api;
      const erase = await api.admin("POST", `/v1/staff/accounts/${enc(account)}/erase`, { reason: "test" });
      expect(erase.status).toBe(202);
      const partial = await eventually("every running service confirmed", async () => {
        const st = (await api.admin("GET", `/v1/staff/accounts/${enc(account)}/erase`)).body;
        const waiting = st.services.filter((x: { status: string }) => x.status === "pending");
        return waiting.length === 1 ? st : undefined;
      });
      expect(partial.status).toBe("pending");
      expect(partial.services.find((x: { status: string }) => x.status === "pending").service).toBe(
        "responder",
      );
      expect((await rowsOf(product, account))["responder.contacts"]).toBe(1);
      await product.stop();
      product = undefined;

      product = await h.start();
      const done = await eventually("the erasure done after the responder returned", async () => {
        const st = (await product!.api.admin("GET", `/v1/staff/accounts/${enc(account)}/erase`)).body;
        return st.status === "done" ? st : undefined;
      });
      expect(done.erasureId).toBe(erase.body.erasureId);
      expect(Object.values(await rowsOf(product, account)).every((n) => n === 0)).toBe(true);
    }, 240_000);
  });
}
