import type { Database } from "@loginguard/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStore, migrateResponder, type ResponderStore } from "../src/store";
import type { DatabaseFactory } from "./support/database";

/** The responder's tables, the same tests on PGlite and on PostgreSQL. */
export function describeStore(name: string, factory: () => Promise<DatabaseFactory> | DatabaseFactory): void {
  describe(name, () => {
    let made: DatabaseFactory;
    let db: Database;
    let store: ResponderStore;

    beforeAll(async () => {
      made = await factory();
      db = await made.open();
      await migrateResponder(db);
      await migrateResponder(db); // idempotent
      store = createStore(db);
    });

    afterAll(async () => {
      await db?.close();
      await made?.cleanup();
    });

    it("keeps contacts: a left-out field stays, null removes it", async () => {
      expect(await store.contacts.get("c-1")).toBeUndefined();
      const first = await store.contacts.update(
        "c-1",
        { email: "a@example.com", language: "ko" },
        "api-key:eu",
      );
      expect(first).toMatchObject({ accountId: "c-1", email: "a@example.com", phone: null, language: "ko" });
      expect(first.updatedAt).toBeInstanceOf(Date);
      await store.contacts.update("c-1", { phone: "+821012345678" }, "api-key:eu");
      expect(await store.contacts.get("c-1")).toMatchObject({
        email: "a@example.com",
        phone: "+821012345678",
        language: "ko",
      });
      await store.contacts.update("c-1", { email: null }, "api-key:eu");
      expect(await store.contacts.get("c-1")).toMatchObject({ email: null, phone: "+821012345678" });
      expect(await store.contacts.remove("c-1")).toBe(true);
      expect(await store.contacts.remove("c-1")).toBe(false);
      expect(await store.contacts.get("c-1")).toBeUndefined();
    });

    it("records one row per (source, channel, kind) and counts attempts", async () => {
      const failed = {
        channel: "email",
        kind: "notification",
        outcome: "failed",
        providerId: null,
        detail: "550",
      } as const;
      await store.deliveries.record("d-1", "acct-9", failed);
      await store.deliveries.record("d-1", "acct-9", {
        ...failed,
        outcome: "delivered",
        providerId: "<x@y>",
        detail: null,
      });
      await store.deliveries.record("d-1", "acct-9", {
        channel: "webhook",
        kind: "player.kick",
        outcome: "delivered",
        providerId: "msg_1",
        detail: "HTTP 200",
      });
      const rows = await store.deliveries.forSource("d-1");
      expect(rows).toHaveLength(2);
      expect(rows.find((r) => r.channel === "email")).toMatchObject({
        outcome: "delivered",
        providerId: "<x@y>",
        attempts: 2,
      });
      const history = await store.deliveries.forAccount("acct-9", 10);
      expect(history.map((r) => r.kind).sort()).toEqual(["notification", "player.kick"]);
      expect(await store.deliveries.forAccount("acct-9", 1)).toHaveLength(1);
    });

    it("gives each account's rule one slot per hour, held by the first source", async () => {
      expect(await store.slots.claim("s-1", ["new_country"], 100, "dec-a")).toEqual(["new_country"]);
      // The same source again (redelivery) still holds it; another source does not get it.
      expect(await store.slots.claim("s-1", ["new_country"], 100, "dec-a")).toEqual(["new_country"]);
      expect(await store.slots.claim("s-1", ["new_country"], 100, "dec-b")).toEqual([]);
      // Another rule, another hour, another account: free.
      expect(await store.slots.claim("s-1", ["new_country", "impossible_travel"], 100, "dec-c")).toEqual([
        "impossible_travel",
      ]);
      expect(await store.slots.claim("s-1", ["new_country"], 101, "dec-d")).toEqual(["new_country"]);
      expect(await store.slots.claim("s-2", ["new_country"], 100, "dec-e")).toEqual(["new_country"]);
      await store.slots.pruneBefore(101);
      expect(await store.slots.claim("s-1", ["new_country"], 100, "dec-f")).toEqual(["new_country"]);
    });

    it("keeps outbox messages newest first, once per id, and prunes old ones", async () => {
      const base = {
        channel: "email" as const,
        recipient: "p@example.com",
        language: "en",
        html: "<p>x</p>",
      };
      await store.outbox.put({ ...base, id: "m-1", accountId: "o-1", subject: "first", text: "one" });
      await new Promise((r) => setTimeout(r, 5));
      await store.outbox.put({ ...base, id: "m-2", accountId: "o-1", subject: "second", text: "two" });
      await store.outbox.put({ ...base, id: "m-2", accountId: "o-1", subject: "changed", text: "changed" });
      await store.outbox.put({ ...base, id: "m-3", accountId: "o-2", subject: "other", text: "three" });
      const mine = await store.outbox.list({ accountId: "o-1", limit: 10 });
      expect(mine.map((m) => m.subject)).toEqual(["second", "first"]);
      expect(mine[0]).toMatchObject({
        channel: "email",
        recipient: "p@example.com",
        text: "two",
        html: "<p>x</p>",
      });
      expect(mine[0]?.createdAt).toBeInstanceOf(Date);
      expect((await store.outbox.list({ limit: 2 })).map((m) => m.id)).toEqual(["m-3", "m-2"]);
      await store.outbox.pruneBefore(new Date(Date.now() + 1000));
      expect(await store.outbox.list({ limit: 10 })).toEqual([]);
    });
  });
}
