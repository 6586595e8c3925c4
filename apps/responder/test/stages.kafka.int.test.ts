import { createTestKafkaBus } from "@loginguard/platform/testing";
import { requireComponents } from "@loginguard/testing";
import { startKafkaCluster } from "@loginguard/testing/kafka-mock";
import { describe, it } from "vitest";
import { describeResponderStages } from "./stage-suite";

const missing = requireComponents("librdkafka", "cc");

if (missing.skip) {
  describe.skip(`responder stages on Kafka (${missing.reason})`, () => {
    it("needs the Kafka-protocol test cluster", () => {});
  });
} else {
  describeResponderStages("the Kafka-protocol test cluster (3 brokers)", async () => {
    const cluster = await startKafkaCluster({ brokers: 3 });
    const bus = createTestKafkaBus(cluster.bootstrap, "responder-test");
    return {
      bus,
      createTopics: async (names) => {
        for (const name of names) await cluster.createTopic(name, 3);
      },
      async cleanup() {
        await bus.close();
        await cluster.stop();
      },
    };
  });
}
