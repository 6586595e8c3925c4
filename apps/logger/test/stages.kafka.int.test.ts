import { createTestKafkaBus } from "@loginguard/platform/testing";
import { requireComponents } from "@loginguard/testing";
import { startKafkaCluster } from "@loginguard/testing/kafka-mock";
import { describe, it } from "vitest";
import { describeLoggerStages, LOGGER_TOPICS } from "./stage-suite";

const missing = requireComponents("librdkafka", "cc");

if (missing.skip) {
  describe.skip(`logger stages on Kafka (${missing.reason})`, () => {
    it("needs the Kafka-protocol test cluster", () => {});
  });
} else {
  describeLoggerStages("logger stages on the Kafka-protocol test cluster", async () => {
    const cluster = await startKafkaCluster({
      brokers: 3,
      topics: LOGGER_TOPICS.map((name) => ({ name, partitions: 3 })),
    });
    const bus = createTestKafkaBus(cluster.bootstrap, "logger-test");
    return {
      bus,
      async cleanup() {
        await bus.close();
        await cluster.stop();
      },
    };
  });
}
