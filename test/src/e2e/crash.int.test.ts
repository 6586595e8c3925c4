import { requireComponents } from "@loginguard/testing";
import { afterAll, describe, it } from "vitest";
import { freePort, spawnProduct } from "./child-product";
import { ACCOUNTS, expectNothingLostOrDoubled, loginsOf, postWithKill } from "./crash-scenario";
import { startDistributedInfra } from "./infra";
import { ProductApi, productEnv, startProduct, startReceivers, tempDataDir } from "./product";

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
