// One hop of the bare baseline on Kafka, in its own process like a stage: consumes HOP_FROM in
// group HOP_GROUP and republishes each batch to HOP_TO (no decoding, no work), or, without
// HOP_TO, only commits and notes each record's latency from its `sent_at` header (epoch ms).
// Prints READY; on a `report` stdin line prints `LATENCY {"p50","p99","count"}` and forgets them.
import { createInterface } from "node:readline";
import { createKafkaBus } from "@loginguard/bus";
import { silentLogger } from "@loginguard/observability";

const { HOP_FROM, HOP_TO, HOP_GROUP, KAFKA_BROKERS } = process.env;
if (!HOP_FROM || !HOP_GROUP || !KAFKA_BROKERS)
  throw new Error("HOP_FROM, HOP_GROUP and KAFKA_BROKERS are required");
const bus = createKafkaBus({
  brokers: KAFKA_BROKERS.split(","),
  clientId: HOP_GROUP,
  logger: silentLogger(),
  // Only for experiments: the Bus's fetch wait (default 100 ms; the mock cluster waits it out).
  ...(process.env.HOP_MAX_WAIT_MS ? { maxWaitTimeMs: Number(process.env.HOP_MAX_WAIT_MS) } : {}),
});
let latencies: number[] = [];
await bus.subscribe({
  group: HOP_GROUP,
  topics: [HOP_FROM],
  async handleBatch(batch) {
    if (HOP_TO) {
      await bus.publish(
        batch.records.map((r) => ({ topic: HOP_TO, key: r.key, value: r.value, headers: r.headers })),
      );
      return;
    }
    const now = performance.timeOrigin + performance.now();
    for (const r of batch.records) latencies.push(now - Number(r.headers.sent_at));
  },
});
process.stdout.write("READY hop\n");
createInterface({ input: process.stdin }).on("line", (line) => {
  if (line.trim() !== "report") return;
  const sorted = latencies.sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? null;
  process.stdout.write(`LATENCY ${JSON.stringify({ p50: q(0.5), p99: q(0.99), count: sorted.length })}\n`);
  latencies = [];
});
process.once("SIGTERM", () => {
  void bus.close().then(() => process.exit(0));
});
