/**
 * Relay throughput: events through one stream route to a loopback node:http endpoint (in another
 * process) that answers at once, and the answers published, on the embedded log (PGlite) and on the
 * three-node Apache Kafka test cluster. Next to it, the same events through a stage that answers in process
 * (no HTTP), so the table shows what the HTTP hop costs. Run from apps/relay:
 * `npx tsx bench.ts [--quick] [--embedded-only]`.
 */

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { acceptAny, type Bus, createKafkaBus, startStage } from "@loginguard/bus";
import { type CloudEvent, encodeEvent } from "@loginguard/events";
import { silentLogger } from "@loginguard/observability";
import { openPlatform } from "@loginguard/platform";
import { startKafkaCluster } from "@loginguard/testing/kafka";
import { relayStage } from "./src/relay-stage";

const quick = process.argv.includes("--quick");
const EVENTS = quick ? 2_000 : 10_000;
const KEYS = 1_000;
const CONCURRENCY = [8, 64];

function events(prefix: string): CloudEvent[] {
  return Array.from({ length: EVENTS }, (_, i) => ({
    id: `${prefix}-${i}`,
    type: "bench.input.v1",
    source: "bench",
    time: new Date().toISOString(),
    subject: `acc-${i % KEYS}`,
    correlationId: `${prefix}-${i}`,
    data: { i, accountId: `acc-${i % KEYS}`, result: "success" },
  }));
}

/** Publishes the events, then waits until `count` outputs reached `output`; events per second. */
async function measure(
  bus: Bus,
  name: string,
  start: (input: string, output: string) => Promise<{ stop(): Promise<void> }>,
  createTopic: (name: string) => Promise<void>,
): Promise<number> {
  const input = `bench-in-${name}`;
  const output = `bench-out-${name}`;
  await createTopic(input);
  await createTopic(output);
  let seen = 0;
  const sub = await bus.subscribe({
    group: `bench-watch-${name}`,
    topics: [output],
    handleBatch: async (b) => {
      seen += b.records.length;
    },
  });
  const stage = await start(input, output);
  const list = events(name);
  const began = performance.now();
  for (let i = 0; i < list.length; i += 500) {
    await bus.publish(list.slice(i, i + 500).map((e) => ({ topic: input, ...encodeEvent(e) })));
  }
  while (seen < EVENTS) await new Promise((r) => setTimeout(r, 5));
  const seconds = (performance.now() - began) / 1000;
  await stage.stop();
  await sub.stop();
  return EVENTS / seconds;
}

async function run(
  driver: string,
  bus: Bus,
  createTopic: (name: string) => Promise<void>,
): Promise<string[]> {
  const rows: string[] = [];
  const endpoint = await childEndpoint();
  const tag = `${driver.split(" ")[0]}-${process.pid}`;
  const baseline = await measure(
    bus,
    `${tag}-direct`,
    (input, output) =>
      startStage(bus, {
        name: `bench-direct-${tag}`,
        input,
        decode: acceptAny,
        maxInFlight: 64,
        logger: silentLogger(),
        handle: (event) => ({
          topic: output,
          event: { ...event, id: `${event.id}-out`, type: "bench.answered.v1" },
        }),
      }),
    createTopic,
  );
  rows.push(
    `| ${driver} | same hop answered in process (no HTTP) | ${Math.round(baseline)} events/s | baseline |`,
  );
  for (const concurrency of CONCURRENCY) {
    const rate = await measure(
      bus,
      `${tag}-c${concurrency}`,
      (input, output) =>
        startStage(
          bus,
          relayStage(
            {
              name: `bench-${tag}-c${concurrency}`,
              input,
              output,
              mode: "stream",
              endpoint: endpoint.url,
              concurrency,
              timeoutMs: 5_000,
              retry: { initialMs: 50, maxMs: 1_000 },
            },
            { logger: silentLogger() },
          ),
        ),
      createTopic,
    );
    rows.push(
      `| ${driver} | stream route, concurrency ${concurrency} | ${Math.round(rate)} events/s | endpoint: node:http in another process |`,
    );
  }
  endpoint.close();
  return rows;
}

/** An endpoint in its own process (as in production), answering every event at once. */
async function childEndpoint(): Promise<{ url: string; close(): void }> {
  const code = `
    const http = require("node:http");
    const server = http.createServer((req, res) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        const body = JSON.stringify({ seen: JSON.parse(Buffer.concat(chunks).toString()).i });
        res.writeHead(200, { "content-type": "application/json", "ce-type": "bench.answered.v1" }).end(body);
      });
    });
    server.listen(0, "127.0.0.1", () => console.log(server.address().port));`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve) =>
    createInterface({ input: child.stdout! }).once("line", resolve),
  );
  return { url: `http://127.0.0.1:${port}/`, close: () => child.kill() };
}

async function main(): Promise<void> {
  const rows = ["| event log | what | throughput | notes |", "| --- | --- | --- | --- |"];
  const dir = mkdtempSync(join(tmpdir(), "loginguard-relay-bench-"));
  const platform = await openPlatform({
    service: "bench",
    dataDir: dir,
    needsDatabase: false,
    logger: silentLogger(),
  });
  try {
    rows.push(
      ...(await run("embedded (PGlite)", platform.bus, async (name) => {
        await platform.bus.ensureTopics([{ name, partitions: 4 }]);
      })),
    );
  } finally {
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  }
  if (!process.argv.includes("--embedded-only")) {
    const cluster = await startKafkaCluster({ brokers: 3 });
    const bus = createKafkaBus({
      brokers: cluster.bootstrap,
      clientId: "relay-bench",
      logger: silentLogger(),
    });
    try {
      rows.push(
        ...(await run("Apache Kafka test cluster (3 nodes)", bus, (name) => cluster.createTopic(name, 12))),
      );
    } finally {
      await bus.close();
      await cluster.stopAll();
    }
  }
  console.log(
    `\nrelay bench: ${EVENTS} events over ${KEYS} keys; load average ${loadavg()[0]?.toFixed(1)}\n`,
  );
  console.log(rows.join("\n"));
}

await main();
