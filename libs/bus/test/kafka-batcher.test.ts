import { retryableError } from "@loginguard/errors";
import { describe, expect, it } from "vitest";
import type { OutgoingRecord } from "../src/bus";
import { PublishBatcher, type PublishBatcherOptions } from "../src/kafka/publish-batcher";
import { recordSize } from "../src/kafka/records";

function rec(key: string, n: number, topic = "t"): OutgoingRecord {
  return { topic, key, value: Buffer.from(String(n)), headers: { n: String(n) } };
}

function harness(options: Partial<PublishBatcherOptions> = {}) {
  const sends: OutgoingRecord[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const failNext: Error[] = [];
  const gates: Array<() => void> = [];
  let gated = false;
  const batcher = new PublishBatcher(
    async (records) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      sends.push(records);
      try {
        if (gated) await new Promise<void>((resolve) => gates.push(resolve));
        else await new Promise((resolve) => setTimeout(resolve, 1));
        const err = failNext.shift();
        if (err) throw err;
      } finally {
        inFlight--;
      }
    },
    { lingerMs: 5, maxBatchRecords: 100, maxBatchBytes: 1 << 20, sizeOf: recordSize, ...options },
  );
  return {
    batcher,
    sends,
    failNext,
    maxInFlight: () => maxInFlight,
    gate(on: boolean) {
      gated = on;
    },
    open() {
      for (const g of gates.splice(0)) g();
    },
  };
}

describe("PublishBatcher", () => {
  it("joins concurrent publish calls within the linger time into one send", async () => {
    const h = harness();
    await Promise.all([h.batcher.publish([rec("a", 1)]), h.batcher.publish([rec("b", 2), rec("a", 3)])]);
    expect(h.sends).toHaveLength(1);
    expect(h.sends[0]!.map((r) => r.headers.n)).toEqual(["1", "2", "3"]);
  });

  it("sends at once when maxBatchRecords are pending, and never more per send", async () => {
    const h = harness({ lingerMs: 10_000, maxBatchRecords: 10 });
    const started = Date.now();
    await h.batcher.publish(Array.from({ length: 25 }, (_, i) => rec(`k${i % 3}`, i)));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(h.sends.map((s) => s.length)).toEqual([10, 10, 5]);
    expect(h.sends.flat().map((r) => r.headers.n)).toEqual(Array.from({ length: 25 }, (_, i) => String(i)));
  });

  it("keeps one send in flight and batches what arrives meanwhile", async () => {
    const h = harness({ lingerMs: 0 });
    h.gate(true);
    const first = h.batcher.publish([rec("a", 1)]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const rest = [2, 3, 4].map((n) => h.batcher.publish([rec("a", n)]));
    expect(h.batcher.pending).toBe(3);
    h.gate(false);
    h.open();
    await Promise.all([first, ...rest]);
    expect(h.maxInFlight()).toBe(1);
    expect(h.sends.map((s) => s.map((r) => r.headers.n))).toEqual([["1"], ["2", "3", "4"]]);
  });

  it("splits by bytes, a single oversized record going alone", async () => {
    const big = { topic: "t", key: "k", value: Buffer.alloc(500), headers: {} };
    const h = harness({ maxBatchBytes: 300 });
    await h.batcher.publish([rec("a", 1), big, rec("a", 2)]);
    expect(h.sends.map((s) => s.length)).toEqual([1, 1, 1]);
  });

  it("rejects the callers of a failed send and drops a failed caller's unsent rest", async () => {
    const h = harness({ maxBatchRecords: 2 });
    h.failNext.push(retryableError("down", "broker_unavailable"));
    const failing = h.batcher.publish([rec("a", 1), rec("a", 2), rec("a", 3), rec("a", 4)]);
    await expect(failing).rejects.toMatchObject({ code: "broker_unavailable", retryable: true });
    expect(h.sends).toHaveLength(1);
    await h.batcher.publish([rec("b", 5)]);
    expect(h.sends.map((s) => s.map((r) => r.headers.n))).toEqual([["1", "2"], ["5"]]);
  });

  it("only rejects the callers whose records were in the failed send", async () => {
    const h = harness({ lingerMs: 0 });
    h.gate(true);
    const first = h.batcher.publish([rec("a", 1)]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = h.batcher.publish([rec("b", 2)]);
    h.failNext.push(new Error("boom"));
    h.gate(false);
    h.open();
    await expect(first).rejects.toThrow("boom");
    await expect(second).resolves.toBeUndefined();
  });

  it("resolves an empty publish at once and refuses records after close", async () => {
    const h = harness();
    await h.batcher.publish([]);
    const pending = h.batcher.publish([rec("a", 1)]);
    await h.batcher.close();
    await pending;
    expect(h.sends).toHaveLength(1);
    await expect(h.batcher.publish([rec("a", 2)])).rejects.toMatchObject({ code: "bus_closed" });
  });
});
