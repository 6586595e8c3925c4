import { requireComponents } from "@loginguard/testing";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, spawnProduct } from "./child-product";
import { startDistributedInfra } from "./infra";
import {
  at,
  eventually,
  type Login,
  ProductApi,
  productEnv,
  type Receivers,
  startProduct,
  startReceivers,
  tempDataDir,
} from "./product";

const KR = "175.223.10.4";
const JP = "126.0.0.1";
const ACCOUNTS = 40;

/** Two logins per account: home, then a new country at a plausible speed (one notification each). */
function loginsOf(prefix: string): Login[][] {
  return Array.from({ length: ACCOUNTS }, (_, n) => [
    {
      eventId: `${prefix}-${n}-home`,
      accountId: `${prefix}-${n}`,
      occurredAt: at(0),
      ip: KR,
      result: "success" as const,
    },
    {
      eventId: `${prefix}-${n}-trip`,
      accountId: `${prefix}-${n}`,
      occurredAt: at(900),
      ip: JP,
      result: "success" as const,
    },
  ]);
}

/** Posts batches of logins, calling `midway` once a third of them are accepted. */
async function postWithKill(api: ProductApi, batches: Login[][], midway: () => Promise<void>): Promise<void> {
  for (const [i, batch] of batches.entries()) {
    if (i === Math.floor(batches.length / 3)) await midway();
    const res = await eventually(`batch ${i} accepted`, async () => {
      const r = await api.postLogins(batch);
      return r.status === 202 ? r : undefined;
    });
    expect(res.body.accepted).toBe(batch.length);
  }
}

/** Every account has exactly its two lines and got exactly one email. */
async function expectNothingLostOrDoubled(historyApi: ProductApi, receivers: Receivers, prefix: string) {
  for (let n = 0; n < ACCOUNTS; n++) {
    const account = `${prefix}-${n}`;
    const items = await eventually(
      `both lines of ${account}`,
      async () => {
        const res = await historyApi.history(account);
        return res.status === 200 && res.body.items.length >= 2 && res.body.items[0].action === "notify"
          ? res.body.items
          : undefined;
      },
      90_000,
    );
    expect(items.map((i: { eventId: string }) => i.eventId)).toEqual([`${account}-trip`, `${account}-home`]);
  }
  const address = (n: number) => `${prefix}-${n}@example.test`;
  await eventually("one email per account", async () => receivers.smtp.received.length >= ACCOUNTS, 60_000);
  await new Promise((r) => setTimeout(r, 2000));
  for (let n = 0; n < ACCOUNTS; n++) {
    expect(
      receivers.smtp.received.filter((m) => m.envelopeTo.includes(address(n))),
      address(n),
    ).toHaveLength(1);
  }
}

describe("a stage killed with SIGKILL mid-stream and restarted", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it("embedded: the whole product process; nothing acknowledged is lost, nothing doubled", async () => {
    const receivers = await startReceivers();
    const data = tempDataDir("crash-embedded");
    cleanups.push(
      () => receivers.close(),
      () => data.remove(),
    );
    const env = productEnv(receivers, data.dir);
    const port = await freePort();
    let product = await spawnProduct(env, port);
    cleanups.push(() => product.kill());
    const api = new ProductApi(product.url);
    for (let n = 0; n < ACCOUNTS; n++)
      await api.setContact(`crash-e-${n}`, { email: `crash-e-${n}@example.test` });
    await postWithKill(api, loginsOf("crash-e"), async () => {
      await product.kill();
      product = await spawnProduct(env, port);
    });
    await expectNothingLostOrDoubled(api, receivers, "crash-e");
  });

  const missing = requireComponents("postgresql", "java", "maven");
  it.skipIf(missing.skip)(
    "distributed: the logger alone on Kafka + PostgreSQL; no line lost or doubled, no second email",
    async () => {
      const [receivers, infra] = await Promise.all([startReceivers(), startDistributedInfra()]);
      const data = tempDataDir("crash-distributed");
      cleanups.push(
        () => receivers.close(),
        () => infra.stop(),
        () => data.remove(),
      );
      const env = productEnv(receivers, data.dir, infra.env);
      const rest = await startProduct({
        ...env,
        LOGINGUARD_SERVICES: "ingest,ip-checker,account-security,responder",
      });
      cleanups.push(() => rest.stop());
      const loggerEnv = { ...env, LOGINGUARD_SERVICES: "logger" };
      const loggerPort = await freePort();
      let logger = await spawnProduct(loggerEnv, loggerPort);
      cleanups.push(() => logger.kill());
      for (let n = 0; n < ACCOUNTS; n++)
        await rest.api.setContact(`crash-d-${n}`, { email: `crash-d-${n}@example.test` });
      await postWithKill(rest.api, loginsOf("crash-d"), async () => {
        await logger.kill();
        logger = await spawnProduct(loggerEnv, loggerPort);
      });
      await expectNothingLostOrDoubled(new ProductApi(logger.url), receivers, "crash-d");
    },
    // Starting the three-node Kafka cluster is part of this test (20-40 s on a busy 2-core machine).
    240_000,
  );
});
