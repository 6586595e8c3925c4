// kafkajs's idempotent producer, decided by trial (docs/ARCHITECTURE.md section 14; kafkajs #1005
// reports silent loss with concurrent in-flight sends): the same leader SIGKILL under steady load
// through the Bus, with `idempotent: false` and `true`, on a real three-node Apache Kafka cluster:
//   npx tsx libs/bus/bench/kafka-idempotence.ts [--stall-ms 60000]
// Per mode: records acknowledged before and after the kill, how long until 1000 more were
// acknowledged after it (or "stalled" after --stall-ms), lost (acknowledged, never in the log)
// and duplicates in the log.
import { parseArgs } from "node:util";
import { silentLogger } from "@loginguard/observability";
import { startKafkaCluster } from "@loginguard/testing/kafka";
import type { BusRecord } from "../src/bus";
import { createKafkaBus } from "../src/kafka";
import { sleep, uniqueName } from "../test/kafka-fixture";
import { seqsOf, steadyLoad } from "../test/kafka-load";

const { values } = parseArgs({ options: { "stall-ms": { type: "string", default: "60000" } } });
const stallMs = Number(values["stall-ms"]);

const cluster = await startKafkaCluster({ brokers: 3 });
try {
  for (const idempotent of [false, true]) {
    const options = {
      brokers: cluster.bootstrap,
      logger: silentLogger(),
      sessionTimeoutMs: 3_000,
      heartbeatIntervalMs: 300,
      rebalanceTimeoutMs: 5_000,
      maxWaitTimeMs: 50,
      retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2_000 },
      ackTimeoutMs: 10_000,
      lagSampleIntervalMs: 0,
    };
    const producer = createKafkaBus({ ...options, clientId: uniqueName("idem-p"), idempotent });
    const consumer = createKafkaBus({ ...options, clientId: uniqueName("idem-c") });
    const topic = uniqueName(`idempotence-${idempotent}`);
    await cluster.createTopic(topic, 3, 3, { "min.insync.replicas": "2" });
    const load = steadyLoad(producer, topic);
    while (load.acked.size < 1_000) await sleep(50);
    const leader = await cluster.leaderOf(topic, 0);
    const killedAt = Date.now();
    await cluster.kill(leader);
    const before = load.acked.size;
    while (load.acked.size < before + 1_000 && Date.now() - killedAt < stallMs) await sleep(50);
    const recovered =
      load.acked.size >= before + 1_000 ? `${Date.now() - killedAt} ms` : `stalled (${stallMs} ms)`;
    await cluster.start(leader);
    await cluster.waitInSync(topic, 60_000);
    const afterRestart = load.acked.size;
    await sleep(3_000);
    const stopped = Promise.race([load.stop().then(() => true), sleep(15_000).then(() => false)]);
    const publishersStopped = await stopped;

    const inLog: BusRecord[] = [];
    const sub = await consumer.subscribe({
      group: uniqueName("g-idem"),
      topics: [topic],
      handleBatch: async (batch) => {
        inLog.push(...batch.records);
      },
    });
    const deadline = Date.now() + 30_000;
    while (new Set(seqsOf(inLog)).size < load.acked.size && Date.now() < deadline) await sleep(100);
    await sleep(1_000);
    await sub.stop();
    const distinct = new Set(seqsOf(inLog));
    const lost = [...load.acked].filter((s) => !distinct.has(s)).length;
    console.log(
      `idempotent=${idempotent}: leader ${leader} of ${topic}/0 SIGKILLed; ${before} acknowledged before, ` +
        `1000 more after ${recovered}; ${afterRestart} by the restart, ${load.acked.size} in all` +
        `${publishersStopped ? "" : " (publishers still blocked 15 s after the stop)"}; ` +
        `${lost} lost, ${inLog.length - distinct.size} duplicates in the log, ${load.rejected()} publish calls rejected`,
    );
    // A stalled producer's close waits for its send in flight: bounded, the script exits below.
    await Promise.race([Promise.allSettled([producer.close(), consumer.close()]), sleep(10_000)]);
  }
} finally {
  await cluster.stopAll();
}
// Publishers of a stalled run keep retrying forever; they are not worth waiting for.
process.exit(0);
