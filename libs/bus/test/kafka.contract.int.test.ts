import { requireComponents } from "@loginguard/testing";
import { startKafkaCluster } from "@loginguard/testing/kafka";
import { describe } from "vitest";
import { busContract } from "./contract";
import { sleep, testKafkaBus, uniqueName } from "./kafka-fixture";

const missing = requireComponents("java", "maven");

describe.skipIf(missing.skip)(
  "Kafka driver on a three-node Apache Kafka cluster (replication 3, min.insync.replicas 2)",
  () => {
    busContract("kafka", async () => {
      const cluster = await startKafkaCluster({ brokers: 3 });
      return {
        newBus: async () => testKafkaBus(cluster, { clientId: uniqueName("contract") }),
        createTopic: (name, partitions) => cluster.createTopic(name, partitions, 3),
        // Node 2 SIGKILLed for a few seconds: the controller fences it, its partitions get new
        // leaders from the in-sync replicas, producers retry; then it comes back on its old data.
        async disrupt() {
          await cluster.kill(2);
          await sleep(3_000);
          await cluster.start(2);
        },
        // subscribe() resolves once the member has joined; the other members' rejoin is part of it.
        settleMs: 500,
        cleanup: () => cluster.stopAll(),
      };
    });
  },
);
