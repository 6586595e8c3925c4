import { createTestKafkaBus } from "@loginguard/platform/testing";
import { requireComponents } from "@loginguard/testing";
import { startKafkaCluster } from "@loginguard/testing/kafka";
import { describe, it } from "vitest";
import { relaySuite } from "./relay-suite";

const missing = requireComponents("java", "maven");

if (missing.skip) {
  describe.skip(`relay on Kafka (${missing.reason})`, () => {
    it("needs Java and Maven for the Apache Kafka test cluster", () => {});
  });
} else {
  relaySuite("a one-node Apache Kafka cluster", async () => {
    const cluster = await startKafkaCluster();
    const bus = createTestKafkaBus(cluster.bootstrap, "relay-test");
    return {
      bus,
      createTopic: (name, partitions) => cluster.createTopic(name, partitions),
      canCreateTopics: false,
      async cleanup() {
        await bus.close();
        await cluster.stopAll();
      },
    };
  });
}
