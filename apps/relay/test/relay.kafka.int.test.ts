import { createTestKafkaBus } from "@loginguard/platform/testing";
import { requireComponents } from "@loginguard/testing";
import { startKafkaCluster } from "@loginguard/testing/kafka-mock";
import { describe, it } from "vitest";
import { relaySuite } from "./relay-suite";

const missing = requireComponents("librdkafka", "cc");

if (missing.skip) {
  describe.skip(`relay on Kafka (${missing.reason})`, () => {
    it("needs the Kafka-protocol test cluster", () => {});
  });
} else {
  relaySuite("the Kafka-protocol test cluster (3 brokers)", async () => {
    const cluster = await startKafkaCluster({ brokers: 3 });
    const bus = createTestKafkaBus(cluster.bootstrap, "relay-test");
    return {
      bus,
      createTopic: (name, partitions) => cluster.createTopic(name, partitions),
      canCreateTopics: false,
      async cleanup() {
        await bus.close();
        await cluster.stop();
      },
    };
  });
}
