import { silentLogger } from "@loginguard/observability";
import { afterEach, describe, expect, it } from "vitest";
import type { Bus } from "../src/bus";
import { createKafkaBus } from "../src/kafka";

describe("Kafka bus without a reachable broker", () => {
  let bus: Bus | undefined;
  afterEach(async () => {
    await bus?.close();
  });

  // Port 9 (discard) on loopback: nothing listens, connections are refused at once.
  const unreachable = () =>
    createKafkaBus({
      brokers: ["127.0.0.1:9"],
      clientId: "unreachable",
      logger: silentLogger(),
      retry: { retries: 0 },
      connectionTimeoutMs: 500,
    });

  it("rejects publish with a retryable error", async () => {
    bus = unreachable();
    expect(bus.kind).toBe("kafka");
    await expect(
      bus.publish([{ topic: "t", key: "k", value: Buffer.from("v"), headers: {} }]),
    ).rejects.toMatchObject({ name: "LoginGuardError", code: "broker_unavailable", retryable: true });
  });

  it("rejects admin calls with a retryable error", async () => {
    bus = unreachable();
    await expect(bus.listTopics()).rejects.toMatchObject({ code: "broker_unavailable", retryable: true });
    await expect(bus.ensureTopics([{ name: "t", partitions: 1 }])).rejects.toMatchObject({
      code: "broker_unavailable",
      retryable: true,
    });
  });

  it("refuses work after close", async () => {
    bus = unreachable();
    await bus.close();
    await expect(bus.publish([{ topic: "t", key: null, value: null, headers: {} }])).rejects.toMatchObject({
      code: "bus_closed",
    });
    await expect(
      bus.subscribe({ group: "g", topics: ["t"], handleBatch: async () => {} }),
    ).rejects.toMatchObject({
      code: "bus_closed",
    });
  });
});
