import { silentLogger } from "@loginguard/observability";
import { logLevel } from "kafkajs";
import { describe, expect, it, vi } from "vitest";
import { kafkaLogCreator } from "../src/kafka/log";
import { resolveOptions } from "../src/kafka/options";
import { headersToStrings, recordSize, toBusRecord, toKafkaMessage } from "../src/kafka/records";

describe("Kafka record conversion", () => {
  it("turns kafkajs headers (Buffer, string, repeated) into strings", () => {
    expect(
      headersToStrings({
        ce_id: Buffer.from("abc"),
        plain: "text",
        repeated: [Buffer.from("first"), "last"],
        gone: undefined,
      }),
    ).toEqual({ ce_id: "abc", plain: "text", repeated: "last" });
    expect(headersToStrings(undefined)).toEqual({});
  });

  it("maps a consumed message to a BusRecord with string offset and numeric timestamp", () => {
    const value = Buffer.from('{"a":1}');
    const record = toBusRecord("login.attempted", 3, {
      key: Buffer.from("acc-1"),
      value,
      timestamp: "1700000000123",
      attributes: 0,
      offset: "9007199254740993",
      headers: { ce_type: Buffer.from("loginguard.login.attempted.v1") },
    });
    expect(record).toEqual({
      topic: "login.attempted",
      partition: 3,
      offset: "9007199254740993",
      timestamp: 1_700_000_000_123,
      key: "acc-1",
      value,
      headers: { ce_type: "loginguard.login.attempted.v1" },
    });
    expect(
      toBusRecord("t", 0, { key: null, value: null, timestamp: "1", attributes: 0, offset: "0", headers: {} })
        .key,
    ).toBeNull();
  });

  it("maps an outgoing record to a kafkajs message and sizes it", () => {
    const message = toKafkaMessage({ topic: "t", key: "k", value: Buffer.from("v"), headers: { h: "x" } });
    expect(message).toEqual({ key: "k", value: Buffer.from("v"), headers: { h: "x" } });
    expect(recordSize({ topic: "t", key: "ké", value: Buffer.alloc(10), headers: { ab: "cd" } })).toBe(
      32 + 3 + 10 + 8,
    );
  });
});

describe("Kafka bus options", () => {
  it("fills in the production defaults", () => {
    const opts = resolveOptions({ brokers: ["b:9092"], clientId: "c" }, silentLogger());
    expect(opts).toMatchObject({
      lingerMs: 2,
      maxBatchRecords: 1000,
      topicDefaults: { partitions: 12, replicationFactor: 3, config: { "min.insync.replicas": "2" } },
      allowAutoTopicCreation: false,
    });
  });

  it("refuses an empty broker list and nonsense numbers", () => {
    expect(() => resolveOptions({ brokers: [], clientId: "c" }, silentLogger())).toThrow(/brokers/);
    expect(() =>
      resolveOptions({ brokers: ["b:1"], clientId: "c", maxBatchRecords: 0 }, silentLogger()),
    ).toThrow(/maxBatchRecords/);
  });
});

describe("kafkajs log routing", () => {
  it("passes warnings and errors to the logger with their fields", () => {
    const logger = silentLogger();
    const warn = vi.spyOn(logger, "warn");
    const error = vi.spyOn(logger, "error");
    const log = kafkaLogCreator(logger)(logLevel.WARN);
    log({
      namespace: "Consumer",
      level: logLevel.WARN,
      label: "WARN",
      log: { timestamp: "t", message: "rebalancing", groupId: "g" },
    });
    log({
      namespace: "Connection",
      level: logLevel.ERROR,
      label: "ERROR",
      log: { timestamp: "t", message: "refused" },
    });
    expect(warn).toHaveBeenCalledWith({ kafkajs: "Consumer", groupId: "g" }, "rebalancing");
    expect(error).toHaveBeenCalledWith({ kafkajs: "Connection" }, "refused");
  });
});
