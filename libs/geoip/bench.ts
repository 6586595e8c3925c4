/**
 * Micro benchmark of GeoIP lookups: `npx tsx libs/geoip/bench.ts [--db path] [--n count]`.
 *
 * Prints lookups/s (per second of CPU time and of wall-clock time), the median of 5 runs, for:
 * - the maxmind `Reader` alone, with and without its decoder cache (the `cache` option of
 *   `maxmind.open`, keyed by record offset: it saves decoding, not the tree walk);
 * - `locate` with the cache off (normalise, classify, tree walk, decode);
 * - `locate` cold: every address seen for the first time, through the default-size cache,
 *   which fills and evicts;
 * - `locate` cached: a working set that the cache keeps, every lookup a hit (two sizes, see
 *   `cached`);
 * and the heap a full default-size cache takes.
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { silentLogger } from "@loginguard/observability";
import { Reader, type Response } from "maxmind";
import { LruCache } from "./src/cache";
import { classifyIp } from "./src/classify";
import { loadDatabase } from "./src/database";
import { defaultGeoIpDatabasePath } from "./src/default-path";
import { DEFAULT_GEOIP_CACHE_SIZE, type GeoIpReader, openGeoIp } from "./src/reader";

const { values } = parseArgs({
  options: { db: { type: "string" }, n: { type: "string", default: "200000" } },
});
const dbPath = values.db ?? defaultGeoIpDatabasePath();
const count = Number(values.n);
const RUNS = 5;

/** Deterministic pseudo-random numbers (mulberry32), so every run sees the same addresses. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Distinct public addresses as login servers send them: 85% IPv4, 15% IPv6 (in 2000::/4). */
function makeAddresses(n: number): string[] {
  const next = random(42);
  const out = new Set<string>();
  while (out.size < n) {
    const ip =
      next() < 0.85
        ? [0, 0, 0, 0].map(() => Math.floor(next() * 256)).join(".")
        : [
            0x2000 + Math.floor(next() * 0x1000),
            ...Array.from({ length: 7 }, () => Math.floor(next() * 0x10000)),
          ]
            .map((g) => g.toString(16))
            .join(":");
    if (classifyIp(ip).ipClass === "public") out.add(ip);
  }
  return [...out];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

/** Lookups per second of wall-clock time, and per second of this process's CPU time. */
interface Rate {
  wall: number;
  cpu: number;
}

/**
 * Runs `loop` over `inputs` RUNS times, each after a fresh `setup`; returns the median
 * lookups/s. The CPU-time rate is the one to read on a busy machine: time the process spends
 * waiting for a core does not count. Each case brings its own loop so that its lookup call site stays monomorphic.
 */
async function measure<T>(
  inputs: readonly string[],
  setup: () => Promise<T> | T,
  loop: (ctx: T, inputs: readonly string[]) => number,
): Promise<Rate> {
  const wall: number[] = [];
  const cpu: number[] = [];
  let found = 0;
  for (let run = 0; run < RUNS; run++) {
    const ctx = await setup();
    const startCpu = process.cpuUsage();
    const start = performance.now();
    found += loop(ctx, inputs);
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(startCpu);
    wall.push(inputs.length / seconds);
    cpu.push(inputs.length / ((used.user + used.system) / 1e6));
  }
  if (found === 0) throw new Error("no lookup found anything: wrong database?");
  return { wall: median(wall), cpu: median(cpu) };
}

const addresses = makeAddresses(count);
const db = await loadDatabase(dbPath);
const bytes = db.bytes;
const logger = silentLogger();

const rows: [string, Rate][] = [];

rows.push([
  "maxmind Reader.get, no decoder cache",
  await measure(
    addresses,
    () => new Reader<Response>(bytes),
    (r, ips) => {
      let n = 0;
      for (const ip of ips) if (r.get(ip) !== null) n++;
      return n;
    },
  ),
]);
rows.push([
  "maxmind Reader.get, decoder cache 10k",
  await measure(
    addresses,
    () => new Reader<Response>(bytes, { cache: new LruCache<string | number, unknown>(10_000) }),
    (r, ips) => {
      let n = 0;
      for (const ip of ips) if (r.get(ip) !== null) n++;
      return n;
    },
  ),
]);

const fresh = (cacheSize: number): Promise<GeoIpReader> =>
  openGeoIp({ path: dbPath, cacheSize, watch: false, logger });
rows.push([
  "locate, cache off",
  await measure(
    addresses,
    () => fresh(0),
    (g, ips) => {
      let n = 0;
      for (const ip of ips) if (g.locate(ip).country !== null) n++;
      return n;
    },
  ),
]);
rows.push([
  `locate cold: ${count.toLocaleString("en-US")} new addresses, default cache (evicting)`,
  await measure(
    addresses,
    () => fresh(DEFAULT_GEOIP_CACHE_SIZE),
    (g, ips) => {
      let n = 0;
      for (const ip of ips) if (g.locate(ip).country !== null) n++;
      return n;
    },
  ),
]);

/**
 * A working set looked up again and again through the default cache, every lookup a hit:
 * `size` 20,000 fits the current generation (a hit is one Map.get); 50,000 is half the cache,
 * the largest working set it always keeps, where every hit moves the entry between generations.
 */
async function cached(size: number, passes: number): Promise<Rate> {
  const hotSet = addresses.slice(0, size);
  const repeated = Array.from({ length: passes }, () => hotSet).flat();
  const warm = await fresh(DEFAULT_GEOIP_CACHE_SIZE);
  for (const ip of hotSet) warm.locate(ip);
  const rate = await measure(
    repeated,
    () => warm,
    (g, ips) => {
      let n = 0;
      for (const ip of ips) if (g.locate(ip).country !== null) n++;
      return n;
    },
  );
  const { cacheHits, cacheMisses } = warm.stats();
  if (cacheMisses !== size)
    throw new Error(`expected only warm-up misses, got ${cacheMisses} (hits ${cacheHits})`);
  return rate;
}
rows.push(["locate cached: 20,000 hot addresses, all hits", await cached(20_000, 10)]);
rows.push(["locate cached: 50,000 hot addresses (half the cache), all hits", await cached(50_000, 4)]);

// Heap held by a full default-size cache.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
let heapNote: string;
{
  const full = await fresh(DEFAULT_GEOIP_CACHE_SIZE);
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < DEFAULT_GEOIP_CACHE_SIZE - 1; i++) full.locate(addresses[i % addresses.length] ?? "");
  gc();
  const after = process.memoryUsage().heapUsed;
  heapNote = `${((after - before) / 1024 / 1024).toFixed(1)} MB for ${full.stats().cacheEntries} entries`;
}

console.log(`database: ${db.info.type} (build ${new Date(db.info.buildEpoch * 1000).toISOString()})`);
console.log(
  `addresses: ${addresses.length} public (85% IPv4), median of ${RUNS} runs, node ${process.version}`,
);
const width = Math.max(...rows.map(([name]) => name.length));
const num = (n: number): string => Math.round(n).toLocaleString("en-US").padStart(12);
console.log(`${"".padEnd(width)}  ${"per CPU second".padStart(12)}  ${"per wall second".padStart(15)}`);
for (const [name, rate] of rows) {
  console.log(`${name.padEnd(width)}  ${num(rate.cpu)}  ${num(rate.wall).padStart(15)}`);
}
console.log(`heap of a full ${DEFAULT_GEOIP_CACHE_SIZE.toLocaleString("en-US")}-entry cache: ${heapNote}`);
