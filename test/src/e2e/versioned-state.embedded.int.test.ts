import type { BusRecord } from "@loginguard/bus";
import { TOPICS } from "@loginguard/events";
import { describe, expect, it } from "vitest";
import { at, eventually, type RunningProduct, useEmbeddedProduct } from "./product";

const KR = "175.223.10.4";
const BR = "177.67.80.1";

/** Every record of `topics` so far, read by a group of its own that commits nothing. */
async function readAll(product: RunningProduct, topics: string[], until: (r: BusRecord[]) => boolean) {
  const seen: BusRecord[] = [];
  const sub = await product.started.bus.subscribe({
    group: `test-read-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    topics,
    commit: false,
    handleBatch: async (b) => {
      seen.push(...b.records);
    },
  });
  await eventually("the records", async () => until(seen));
  await sub.stop();
  return seen;
}

/**
 * issue 9 point 2: account state carries a per-account version, so a redelivery of an older
 * change never rolls back a newer one: not in ingest's status cache, not in the portal, not in
 * the responder, and not after a restart that replays the compacted topic.
 */
describe("versioned account state (embedded)", () => {
  const fixture = useEmbeddedProduct("versioned");

  it("lock, staff unlock, then a redelivery of the locking login's events: status, portal and responder still say unlocked", async () => {
    const account = `versioned-${Date.now().toString(36)}`;
    const email = `${account}@example.test`;
    const brLogin = `${account}-br`;
    let product = fixture.product;
    const receivers = fixture.receivers;
    const api = () => product.api;
    expect((await api().setContact(account, { email })).status).toBe(200);
    await api().postLogins([
      { accountId: account, occurredAt: at(0), ip: KR, result: "success", sessionId: "s1" },
      { accountId: account, occurredAt: at(5), ip: KR, result: "success", sessionId: "s2" },
      {
        eventId: brLogin,
        accountId: account,
        occurredAt: at(15),
        ip: BR,
        result: "success",
        sessionId: "s3",
      },
    ]);
    await eventually("locked", async () => (await api().status(account)).body.locked === true);
    const kicks = () =>
      receivers.webhooks
        .accepted()
        .filter((w) => w.type === "player.kick" && JSON.stringify(w.data).includes(account));
    const unlockHooks = () =>
      receivers.webhooks
        .accepted()
        .filter((w) => w.type === "account.unlocked" && JSON.stringify(w.data).includes(account));
    const mails = () => receivers.smtp.received.filter((m) => m.envelopeTo.includes(email));
    await eventually("the kick and the lock email", async () => kicks().length === 1 && mails().length === 1);

    expect((await api().unlock(account, "verified by phone, ticket 99")).status).toBe(200);
    await eventually("unlocked", async () => (await api().status(account)).body.locked === false);
    await eventually("the account.unlocked webhook", async () => unlockHooks().length === 1);

    // The locking login's events as account-security published them (and would again on a
    // redelivery of login.recorded, from its decision store): published once more.
    const locking = await readAll(
      product,
      [TOPICS.loginRecorded, TOPICS.securityDecided, TOPICS.accountChanged],
      (rs) => rs.filter((r) => r.headers.ce_correlationid === brLogin).length >= 3,
    );
    const again = locking
      .filter((r) => r.headers.ce_correlationid === brLogin)
      .map(({ topic, key, value, headers }) => ({ topic, key, value, headers }));
    expect(again.map((r) => r.topic).sort()).toEqual([
      TOPICS.accountChanged,
      TOPICS.loginRecorded,
      TOPICS.securityDecided,
    ]);
    const staleLock = again.find((r) => r.topic === TOPICS.accountChanged)!;
    expect(JSON.parse(staleLock.value!.toString())).toMatchObject({
      change: "locked",
      version: expect.any(Number),
    });
    await product.started.bus.publish(again);
    // Until every consumer passed the redelivered records (the portal's lock list is its slowest).
    await readAll(
      product,
      [TOPICS.accountChanged],
      (rs) => rs.filter((r) => r.headers.ce_id === staleLock.headers.ce_id).length >= 2,
    );
    await new Promise((r) => setTimeout(r, 2000));

    const status = await api().status(account);
    expect(status.body).toMatchObject({ locked: false });
    expect(status.body.stale).toBeUndefined();
    const overview = await api().overview();
    expect(overview.status).toBe(200);
    expect(JSON.stringify(overview.body.locked.recent)).not.toContain(account);
    expect(kicks()).toHaveLength(1);
    expect(mails()).toHaveLength(2); // the lock email and the "you were unlocked" email, nothing more
    expect(unlockHooks()).toHaveLength(1);

    // A restart replays account.changed from the beginning: the stale lock is its last record.
    product = await fixture.restart();
    const afterRestart = await eventually("a warm status answer", async () => {
      const s = await api().status(account);
      return s.status === 200 && s.body.stale === undefined ? s.body : undefined;
    });
    expect(afterRestart.locked).toBe(false);
    expect(JSON.stringify((await api().overview()).body.locked.recent)).not.toContain(account);
  });
});
