import { silentLogger } from "@loginguard/observability";
import type { KafkaCluster } from "@loginguard/testing/kafka";
import type {
  Bus,
  BusRecord,
  OutgoingRecord,
  PartitionBatch,
  SubscribeOptions,
  Subscription,
} from "../src/bus";
import { createKafkaBus, type KafkaBusOptions } from "../src/kafka";

let counter = 0;

/** A name no other test in this process uses. */
export function uniqueName(prefix: string): string {
  counter++;
  return `${prefix}.${process.pid}.${counter}`;
}

/** The Kafka bus with test-sized timeouts (short sessions and rebalances). */
export function testKafkaBus(cluster: KafkaCluster, overrides: Partial<KafkaBusOptions> = {}): Bus {
  return createKafkaBus({
    brokers: cluster.bootstrap,
    clientId: "bus-test",
    logger: silentLogger(),
    sessionTimeoutMs: 3_000,
    heartbeatIntervalMs: 300,
    rebalanceTimeoutMs: 5_000,
    maxWaitTimeMs: 50,
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2_000 },
    ...overrides,
  });
}

/** Records for `topic` keyed `key-<i % keys>` with a sequence header and JSON value. */
export function makeRecords(topic: string, count: number, keys = 10, from = 0): OutgoingRecord[] {
  return Array.from({ length: count }, (_, j) => {
    const i = from + j;
    const key = `key-${i % keys}`;
    return {
      topic,
      key,
      value: Buffer.from(JSON.stringify({ i, key })),
      headers: { seq: String(i), "content-type": "application/json" },
    };
  });
}

/** Everything a subscription saw, in arrival order. */
export interface Collector {
  records: BusRecord[];
  batches: PartitionBatch[];
  /** Distinct `seq` headers seen. */
  seqs(): Set<string>;
}

export function collector(): Collector {
  const c: Collector = {
    records: [],
    batches: [],
    seqs: () => new Set(c.records.map((r) => r.headers.seq ?? "")),
  };
  return c;
}

/** Subscribes, recording every batch into `into`, after an optional per-batch hook. */
export function collect(
  bus: Bus,
  options: Omit<SubscribeOptions, "handleBatch"> & { before?: SubscribeOptions["handleBatch"] },
  into: Collector = collector(),
): Promise<Subscription> {
  const { before, ...rest } = options;
  return bus.subscribe({
    ...rest,
    async handleBatch(batch, control) {
      if (before) await before(batch, control);
      into.batches.push(batch);
      into.records.push(...batch.records);
    },
  });
}

/** Polls until `check` is true or fails with `message` after `timeoutMs`. */
export async function waitFor(
  check: () => boolean,
  message: () => string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${message()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
