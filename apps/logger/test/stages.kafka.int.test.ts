import { createTestKafkaBus } from "@loginguard/platform/testing";
import { requireComponents } from "@loginguard/testing";
import { startKafkaCluster } from "@loginguard/testing/kafka";
import { describe, it } from "vitest";
import { describeLoggerStages, LOGGER_TOPICS } from "./stage-suite";

const missing = requireComponents("java", "maven");

if (missing.skip) {
  describe.skip(`logger stages on Kafka (${missing.reason})`, () => {
    it("needs Java and Maven for the Apache Kafka test cluster", () => {});
  });
} else {
  describeLoggerStages("logger stages on a one-node Apache Kafka cluster", async () => {
    const cluster = await startKafkaCluster({
      topics: LOGGER_TOPICS.map((name) => ({ name, partitions: 3 })),
    });
    const bus = createTestKafkaBus(cluster.bootstrap, "logger-test");
    return {
      bus,
      async cleanup() {
        await bus.close();
        await cluster.stopAll();
      },
    };
  });
}
