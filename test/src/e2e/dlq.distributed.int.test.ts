import { requireComponents } from "@loginguard/testing";
import { describe } from "vitest";
import { describeDlqReplay } from "./dlq-suite";
import { startDistributedInfra } from "./infra";
import { productEnv, startProduct, startReceivers, tempDataDir } from "./product";

const missing = requireComponents("postgresql", "java", "maven");
describe.skipIf(missing.skip)("distributed mode: three-node Apache Kafka cluster + PostgreSQL", () => {
  describeDlqReplay("distributed, the CLI straight on Kafka", async (routesDir) => {
    const [receivers, infra] = await Promise.all([startReceivers(), startDistributedInfra()]);
    const data = tempDataDir("dlq-distributed");
    const product = await startProduct(
      productEnv(receivers, data.dir, { ...infra.env, RELAY_ROUTES_DIR: routesDir }),
    );
    return {
      product,
      cliEnv: { KAFKA_BROKERS: infra.env.KAFKA_BROKERS, LOG_LEVEL: "warn" },
      cliArgs: [],
      async cleanup() {
        await product.stop();
        await receivers.close();
        await infra.stop();
        data.remove();
      },
    };
  });
});
