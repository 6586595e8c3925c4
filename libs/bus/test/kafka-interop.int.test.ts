import { decodeEvent, EVENT_TYPES, encodeEvent, type LoginAttempted, makeEvent } from "@loginguard/events";
import { requireComponents } from "@loginguard/testing";
import { type KafkaCluster, startKafkaCluster } from "@loginguard/testing/kafka";
import { kcatConsume, kcatProduce } from "@loginguard/testing/kcat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bus } from "../src/bus";
import { collect, collector, testKafkaBus, uniqueName, waitFor } from "./kafka-fixture";

const missing = requireComponents("java", "maven", "kcat");

function login(eventId: string, accountId: string): LoginAttempted {
  return {
    eventId,
    accountId,
    occurredAt: "2026-01-02T03:04:05.000Z",
    ip: "203.0.113.7",
    result: "success",
    gameId: "game-1",
    receivedAt: "2026-01-02T03:04:05.100Z",
    source: "kcat",
  };
}

describe.skipIf(missing.skip)("Kafka bus interop with kcat (CloudEvents Kafka binding)", () => {
  let cluster: KafkaCluster;
  let bus: Bus;

  beforeAll(async () => {
    cluster = await startKafkaCluster();
    bus = testKafkaBus(cluster);
  });
  afterAll(async () => {
    await bus?.close();
    await cluster?.stopAll();
  });

  it("consumes and decodes a record that kcat wrote with ce_ headers and a JSON value", async () => {
    const topic = uniqueName("login.attempted");
    await cluster.createTopic(topic, 12);
    const data = login("evt-kcat-1", "acc-42");
    await kcatProduce(cluster.bootstrap, topic, [
      {
        key: "acc-42",
        value: JSON.stringify(data),
        headers: {
          ce_specversion: "1.0",
          ce_id: "0190a0b4-0000-7000-8000-000000000001",
          ce_source: "kcat",
          ce_type: EVENT_TYPES.loginAttempted,
          ce_time: "2026-01-02T03:04:05.100Z",
          ce_subject: "acc-42",
          ce_correlationid: "0190a0b4-0000-7000-8000-000000000001",
          "content-type": "application/json",
        },
      },
    ]);
    const seen = collector();
    const sub = await collect(bus, { group: uniqueName("g"), topics: [topic] }, seen);
    try {
      await waitFor(
        () => seen.records.length >= 1,
        () => "nothing consumed",
      );
    } finally {
      await sub.stop();
    }
    const record = seen.records[0]!;
    const decoded = decodeEvent(record, [EVENT_TYPES.loginAttempted]);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.event).toMatchObject({
      id: "0190a0b4-0000-7000-8000-000000000001",
      type: EVENT_TYPES.loginAttempted,
      source: "kcat",
      subject: "acc-42",
      data,
    });
    // kcat (murmur2) and kafkajs (murmur2, Java-compatible) put one key on one partition.
    await bus.publish([{ topic, key: "acc-42", value: Buffer.from("{}"), headers: {} }]);
    const both = await kcatConsume(cluster.bootstrap, topic, { count: 2 });
    expect(new Set(both.map((r) => r.partition)).size).toBe(1);
  });

  it("writes records that kcat reads back with their ce_ headers", async () => {
    const topic = uniqueName("login.attempted");
    await cluster.createTopic(topic, 12);
    const event = makeEvent({
      id: "0190a0b4-0000-7000-8000-000000000002",
      type: EVENT_TYPES.loginAttempted,
      source: "ingest",
      subject: "acc-7",
      correlationId: "0190a0b4-0000-7000-8000-000000000002",
      data: login("evt-bus-1", "acc-7"),
      time: "2026-01-02T03:04:05.200Z",
    });
    await bus.publish([{ topic, ...encodeEvent(event) }]);
    const [record] = await kcatConsume(cluster.bootstrap, topic, { count: 1 });
    expect(record).toBeDefined();
    expect(record?.key).toBe("acc-7");
    expect(record?.headers).toEqual({
      ce_specversion: "1.0",
      ce_id: event.id,
      ce_source: "ingest",
      ce_type: EVENT_TYPES.loginAttempted,
      ce_time: "2026-01-02T03:04:05.200Z",
      ce_subject: "acc-7",
      ce_correlationid: event.correlationId,
      "content-type": "application/json",
    });
    expect(JSON.parse(record?.value ?? "null")).toEqual(event.data);
  });
});
