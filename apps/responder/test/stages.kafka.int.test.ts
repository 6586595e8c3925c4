import { createTestKafkaBus } from "@loginguard/platform/testing";
import { requireComponents } from "@loginguard/testing";
import { startKafkaCluster } from "@loginguard/testing/kafka";
import { describe, it } from "vitest";
import { describeResponderStages } from "./stage-suite";

const missing = requireComponents("java", "maven");

if (missing.skip) {
  describe.skip(`responder stages on Kafka (${missing.reason})`, () => {
    it("needs Java and Maven for the Apache Kafka test cluster", () => {});
  });
} else {
  describeResponderStages("a one-node Apache Kafka cluster", async () => {
    const cluster = await startKafkaCluster();
    const bus = createTestKafkaBus(cluster.bootstrap, "responder-test");
    return {
      bus,
      createTopics: async (names) => {
        for (const name of names) await cluster.createTopic(name, 3);
      },
      async cleanup() {
        await bus.close();
        await cluster.stopAll();
      },
    };
  });
}
