// The ingest baseline (docs/ARCHITECTURE.md section 12): a bare node:http server that only parses each
// body and writes one record per login to the event log (login.attempted), answering 202 once
// the log acknowledged it. No key check, validation, dedupe, rate limit or metrics. The event
// log as the ingest child gets it: Kafka with KAFKA_BROKERS, else embedded in DATA_DIR.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { configureLogging } from "@loginguard/observability";
import { loadPlatformEnv, openPlatform } from "@loginguard/platform";
import { ensureBenchTopics } from "./topics.ts";

const env = loadPlatformEnv({ ...process.env });
configureLogging({ level: env.LOG_LEVEL });
const platform = await openPlatform({
  service: "bare-ingest",
  kafkaBrokers: env.KAFKA_BROKERS,
  dataDir: env.DATA_DIR,
  needsDatabase: false,
});
if (!env.KAFKA_BROKERS) await ensureBenchTopics(platform.bus, true);
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const login = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
      eventId: string;
      accountId: string;
    };
    platform.bus
      .publish([
        {
          topic: "login.attempted",
          key: login.accountId,
          value: Buffer.from(JSON.stringify(login)),
          headers: { ce_id: login.eventId, "content-type": "application/json" },
        },
      ])
      .then(
        () => {
          res.writeHead(202, { "content-type": "application/json" });
          res.end(JSON.stringify({ accepted: 1, eventIds: [login.eventId] }));
        },
        () => {
          res.writeHead(503).end();
        },
      );
  });
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`READY http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.once("SIGTERM", () => {
  server.close();
  void platform.close().then(() => process.exit(0));
});
