// A consumer-group member in a process of its own, for kafka-faults.int.test.ts to SIGKILL (no
// leave-group reaches the coordinator). Arguments: brokers (comma-separated), topic, group.
// Prints "ready" once it has joined, then "seen <partition>:<seq>,..." for every batch it handled.
import { silentLogger } from "@loginguard/observability";
import { createKafkaBus } from "../src/kafka";

const [brokers = "", topic = "", group = ""] = process.argv.slice(2);
const bus = createKafkaBus({
  brokers: brokers.split(","),
  clientId: "member-child",
  logger: silentLogger(),
  sessionTimeoutMs: 6_000,
  heartbeatIntervalMs: 500,
  rebalanceTimeoutMs: 5_000,
  maxWaitTimeMs: 50,
  retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2_000 },
});
await bus.subscribe({
  group,
  topics: [topic],
  async handleBatch(batch) {
    const seqs = batch.records.map((r) => `${r.partition}:${r.headers.seq ?? ""}`);
    process.stdout.write(`seen ${seqs.join(",")}\n`);
  },
});
process.stdout.write("ready\n");
