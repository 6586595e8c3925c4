// Both event-log drivers next to their bare baselines, measured in this run:
//   npm run bench:bus [-- --quick] [-- --records 50000 --runs 3]
// embedded: libs/bus/bench/embedded.bench.ts (PGlite in a temp dir) vs PGlite storing each publish
//           call's values as one row, read back by a polling reader (bare-pglite.ts)
// kafka:    libs/bus/bench/kafka.bench.ts (Bus driver vs bare kafkajs on the 3-broker test cluster)
// Prints records/s produce -> consume (medians) per driver and shape, and driver/baseline.
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { QUICK_EMBEDDED, runEmbeddedBench } from "../../libs/bus/bench/embedded.bench.ts";
import { QUICK_KAFKA, runKafkaBench } from "../../libs/bus/bench/kafka.bench.ts";
import { barePgliteRates } from "./bare-pglite.ts";
import { table } from "./table.ts";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    records: { type: "string" },
    runs: { type: "string" },
    "skip-kafka": { type: "boolean", default: false },
  },
});
const records = args.records ? Number(args.records) : args.quick ? QUICK_EMBEDDED.records : 50_000;
const runs = args.runs ? Number(args.runs) : args.quick ? 1 : 3;
const log = (line: string) => console.log(`  ${line}`);

console.log(
  `bus drivers: ${records} records per run, ${runs} runs, load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`,
);
const embedded = await runEmbeddedBench({ records, runs, partitions: QUICK_EMBEDDED.partitions, log });
const bare = await barePgliteRates(records, runs);
const kafka = args["skip-kafka"] ? undefined : await runKafkaBench({ ...QUICK_KAFKA, records, runs, log });

const n = (x: number) => Math.round(x).toLocaleString("en-US");
const ratio = (a: number, b: number) => (a / b).toFixed(2);
const rows: string[][] = [
  [
    "embedded",
    "4 x 500-record publishes -> 1 group",
    n(embedded.batch.wall),
    "PGlite INSERT of a 500-record blob -> SELECT",
    n(bare.batch.wall),
    ratio(embedded.batch.wall, bare.batch.wall),
  ],
  [
    "embedded",
    "64 x 1-record publishes -> 1 group",
    n(embedded.single.wall),
    "PGlite INSERT of 1 record x64 -> SELECT",
    n(bare.single.wall),
    ratio(embedded.single.wall, bare.single.wall),
  ],
  ["embedded", "5 hops, 64 x 1-record publishes", n(embedded.pipeline.wall), "", "", ""],
];
if (kafka) {
  rows.push([
    "kafka",
    `${QUICK_KAFKA.publishers} x ${QUICK_KAFKA.batch}-record publishes -> 1 group`,
    n(kafka.bus.endToEnd),
    "kafkajs send (acks -1) -> eachBatch",
    n(kafka.kafkajs.endToEnd),
    ratio(kafka.bus.endToEnd, kafka.kafkajs.endToEnd),
  ]);
}
console.log("");
for (const line of table(
  ["driver", "shape", "records/s", "bare baseline", "records/s", "driver/baseline"],
  rows,
  [2, 4, 5],
)) {
  console.log(line);
}
console.log(
  `embedded 5-hop latency p50 ${embedded.p50.toFixed(1)} ms, p99 ${embedded.p99.toFixed(1)} ms; ` +
    `records per CPU-second (one free core): batch ${n(embedded.batch.cpu)}, single ${n(embedded.single.cpu)}, bare batch ${n(bare.batch.cpu)}, bare single ${n(bare.single.cpu)}`,
);
