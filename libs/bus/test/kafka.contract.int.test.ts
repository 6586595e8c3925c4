import { requireComponents } from "@loginguard/testing";
import { startKafkaCluster } from "@loginguard/testing/kafka-mock";
import { describe } from "vitest";
import { busContract } from "./contract";
import { sleep, testKafkaBus, uniqueName } from "./kafka-fixture";

const missing = requireComponents("librdkafka", "cc");

describe.skipIf(missing.skip)("Kafka driver on the 3-broker Kafka-protocol test cluster", () => {
  busContract("kafka", async () => {
    const cluster = await startKafkaCluster({ brokers: 3 });
    return {
      newBus: async () => testKafkaBus(cluster, { clientId: uniqueName("contract") }),
      createTopic: (name, partitions) => cluster.createTopic(name, partitions),
      // One of three brokers down for a few seconds: its partitions stall, producers retry.
      async disrupt() {
        await cluster.brokerDown(2);
        await sleep(3_000);
        await cluster.brokerUp(2);
      },
      // subscribe() resolves once the member has joined; the other members' rejoin is part of it.
      settleMs: 500,
      cleanup: () => cluster.stop(),
    };
  });
});
