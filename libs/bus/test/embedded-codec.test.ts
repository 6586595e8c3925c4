import type { WireRecord } from "@loginguard/events";
import { describe, expect, it } from "vitest";
import { ChunkFormatError, decodeChunk, encodeChunk, encodedSize } from "../src/embedded/codec";
import { murmur2, partitionForKey } from "../src/embedded/murmur2";

describe("Kafka murmur2 partitioner", () => {
  it("matches Kafka's own test vectors (UtilsTest.testMurmur2)", () => {
    const cases: Array<[string, number]> = [
      ["21", -973932308],
      ["foobar", -790332482],
      ["a-little-bit-long-string", -985981536],
      ["a-little-bit-longer-string", -1486304829],
      ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
      ["abc", 479470107],
    ];
    for (const [key, hash] of cases) expect(murmur2(Buffer.from(key)), key).toBe(hash);
  });

  it("maps a key to toPositive(murmur2) % partitions, hashing UTF-8 bytes", () => {
    expect(partitionForKey("foobar", 12)).toBe((-790332482 & 0x7fffffff) % 12);
    expect(partitionForKey("21", 7)).toBe((-973932308 & 0x7fffffff) % 7);
    expect(partitionForKey("계정", 12)).toBe((murmur2(Buffer.from("계정", "utf8")) & 0x7fffffff) % 12);
    for (let i = 0; i < 1000; i++) {
      const p = partitionForKey(`acc-${i}`, 5);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(5);
    }
  });
});

describe("chunk codec", () => {
  const records: WireRecord[] = [
    { key: "acc-1", value: Buffer.from('{"a":1}'), headers: { ce_id: "1", ce_type: "t", custom: "값" } },
    { key: null, value: null, headers: {} },
    { key: "", value: Buffer.alloc(0), headers: { "": "" } },
    {
      key: "k".repeat(300),
      value: Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
      headers: { x: "y".repeat(200) },
    },
  ];
  const size = records.reduce((sum, r) => sum + encodedSize(r), 0);

  it("round-trips keys, null and empty values, and headers", () => {
    const values: Array<Buffer | null> = [];
    const buf = encodeChunk(records, size, values);
    expect(buf.length).toBe(size + 1);
    expect(decodeChunk(buf, records.length)).toEqual(records);
    expect(values).toEqual(records.map((r) => r.value));
  });

  it("stores well-known CloudEvents header names in one byte", () => {
    const withKnown = encodedSize({ key: null, value: null, headers: { ce_correlationid: "v" } });
    const withOther = encodedSize({ key: null, value: null, headers: { ce_correlationix: "v" } });
    expect(withOther - withKnown).toBe("ce_correlationix".length);
  });

  it("refuses damaged or foreign chunks", () => {
    const buf = encodeChunk(records, size);
    expect(() => decodeChunk(buf.subarray(0, buf.length - 3), records.length)).toThrow(ChunkFormatError);
    expect(() => decodeChunk(buf, records.length - 1)).toThrow(ChunkFormatError);
    expect(() => decodeChunk(Buffer.concat([Buffer.from([9]), buf.subarray(1)]), records.length)).toThrow(
      ChunkFormatError,
    );
  });
});
