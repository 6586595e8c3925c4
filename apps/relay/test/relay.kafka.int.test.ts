import { createKafkaBus } from "@loginguard/bus";
import { silentLogger } from "@loginguard/observability";
import { requireComponents } from "@loginguard/testing";
import { startKafkaCluster } from "@loginguard/testing/kafka";
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
    const bus = createKafkaBus({
      brokers: cluster.bootstrap,
      clientId: "relay-test",
      logger: silentLogger(),
      sessionTimeoutMs: 3_000,
      heartbeatIntervalMs: 300,
      rebalanceTimeoutMs: 5_000,
      maxWaitTimeMs: 50,
      retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2_000 },
    });
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
