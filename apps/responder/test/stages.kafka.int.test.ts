import { createKafkaBus } from "@loginguard/bus";
import { silentLogger } from "@loginguard/observability";
import { requireComponents } from "@loginguard/testing";
import { startKafkaCluster } from "@loginguard/testing/kafka";
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
    const bus = createKafkaBus({
      brokers: cluster.bootstrap,
      clientId: "responder-test",
      logger: silentLogger(),
      sessionTimeoutMs: 3_000,
      heartbeatIntervalMs: 300,
      rebalanceTimeoutMs: 5_000,
      maxWaitTimeMs: 50,
      retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2_000 },
    });
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
