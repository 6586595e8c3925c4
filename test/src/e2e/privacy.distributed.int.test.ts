import { requireComponents } from "@loginguard/testing";
import { describe } from "vitest";
import { startDistributedInfra } from "./infra";
import { describePrivacy } from "./privacy-suite";
import { productEnv, startProduct, startReceivers, tempDataDir } from "./product";

const missing = requireComponents("postgresql", "java", "maven");
describe.skipIf(missing.skip)("distributed mode: three-node Apache Kafka cluster + PostgreSQL", () => {
  describePrivacy("distributed", async () => {
    const [receivers, infra] = await Promise.all([startReceivers(), startDistributedInfra()]);
    const data = tempDataDir("privacy-distributed");
    return {
      receivers,
      start: (services) =>
        startProduct(
          productEnv(receivers, data.dir, {
            ...infra.env,
            ...(services ? { LOGINGUARD_SERVICES: services } : {}),
          }),
        ),
      async cleanup() {
        await receivers.close();
        await infra.stop();
        data.remove();
      },
    };
  });
});
