import { requireComponents } from "@loginguard/testing";
import { describe } from "vitest";
import { startDistributedInfra } from "./infra";
import { describePipeline } from "./pipeline-suite";
import { productEnv, startProduct, startReceivers, tempDataDir } from "./product";

const missing = requireComponents("postgresql", "java", "maven");
describe.skipIf(missing.skip)("distributed mode: three-node Apache Kafka cluster + PostgreSQL", () => {
  describePipeline("distributed", async () => {
    const [receivers, infra] = await Promise.all([startReceivers(), startDistributedInfra()]);
    const data = tempDataDir("distributed");
    const product = await startProduct(productEnv(receivers, data.dir, infra.env));
    return {
      product,
      receivers,
      async cleanup() {
        await product.stop();
        await receivers.close();
        await infra.stop();
        data.remove();
      },
    };
  });
});
