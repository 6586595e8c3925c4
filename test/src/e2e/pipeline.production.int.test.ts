import { topicsCommand } from "@loginguard/cli";
import { requireComponents } from "@loginguard/testing";
import { type KafkaCluster, startKafkaCluster } from "@loginguard/testing/kafka";
import { type PostgresServer, startPostgres } from "@loginguard/testing/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCOUNTS, expectNothingLostOrDoubled, loginsOf, postWithKill } from "./crash-scenario";
import { describePipeline } from "./pipeline-suite";
import {
  KEYS,
  type Login,
  ProductApi,
  productEnv,
  type Receivers,
  startReceivers,
  tempDataDir,
} from "./product";
import { type ServiceProcess, type ServiceProxy, startService, startServiceProxy } from "./services";

const missing = requireComponents("java", "maven", "postgresql");

/** The production layout (docs/ARCHITECTURE.md section 4): one process per service, replicas of two stages. */
const LAYOUT: Array<[name: string, app: string]> = [
  ["ingest", "ingest"],
  ["ip-checker", "ip-checker"],
  ["logger-1", "logger"],
  ["logger-2", "logger"],
  ["account-security-1", "account-security"],
  ["account-security-2", "account-security"],
  ["responder", "responder"],
  ["portal", "portal"],
  ["relay", "relay"],
];

/**
 * Distributed mode as it would run in production: every service in its own process, the
 * three-node Apache Kafka cluster with the topics `loginguard topics apply` makes from
 * infra/topics.json (replication 3, min.insync.replicas=2), PostgreSQL, and the SMTP, Twilio-like
 * and webhook receivers; the API reached through one proxy, as players and staff would.
 */
describe.skipIf(missing.skip)(
  "distributed mode as in production: a process per service, 3 Kafka nodes",
  () => {
    let cluster: KafkaCluster;
    let postgres: PostgresServer;
    let receivers: Receivers;
    let proxy: ServiceProxy;
    let api: ProductApi;
    const services: ServiceProcess[] = [];
    const data = tempDataDir("production");
    const startedAt = Date.now();
    const service = (name: string) => services.find((s) => s.name === name)!;

    beforeAll(async () => {
      [cluster, postgres, receivers] = await Promise.all([
        startKafkaCluster({ brokers: 3 }),
        startPostgres(),
        startReceivers(),
      ]);
      const brokers = cluster.bootstrap.join(",");
      const out: string[] = [];
      const code = await topicsCommand(["apply"], {
        env: { KAFKA_BROKERS: brokers },
        out: (l) => out.push(l),
        err: (l) => out.push(l),
      });
      expect(code, out.join("\n")).toBe(0);
      const env = productEnv(receivers, data.dir, {
        KAFKA_BROKERS: brokers,
        DATABASE_URL: await postgres.createDatabase(),
        INGEST_PUBLISH_TIMEOUT_MS: "5000",
      });
      const started = Date.now();
      for (const s of await Promise.all(LAYOUT.map(([name, app]) => startService(name, app, env, 240_000))))
        services.push(s);
      proxy = await startServiceProxy(services);
      api = new ProductApi(proxy.url);
      console.log(
        `[production e2e] cluster, PostgreSQL and receivers up, then ${services.length} service processes ready in ${Date.now() - started} ms`,
      );
    }, 420_000);
    afterAll(async () => {
      await proxy?.close();
      await Promise.allSettled(services.map((s) => s.stop()));
      await receivers?.close();
      await cluster?.stopAll();
      await postgres?.stop();
      data.remove();
      console.log(`[production e2e] the file took ${Math.round((Date.now() - startedAt) / 1000)} s`);
    }, 120_000);

    describePipeline("production", async () => ({
      product: { api },
      receivers,
      cleanup: async () => {},
    }));

    it("one logger replica SIGKILLed mid-stream: every accepted login in the history once, each decision one email", async () => {
      const prefix = "prod-logger-kill";
      for (let n = 0; n < ACCOUNTS; n++)
        await api.setContact(`${prefix}-${n}`, { email: `${prefix}-${n}@example.test` });
      let killedAt = 0;
      await postWithKill(api, loginsOf(prefix), async () => {
        killedAt = Date.now();
        await service("logger-1").kill();
      });
      await expectNothingLostOrDoubled(api, receivers, prefix);
      console.log(
        `[production e2e] logger-1 SIGKILLed; logger-2 alone recorded every line once, ${Date.now() - killedAt} ms after the kill`,
      );
    }, 240_000);

    it("each Kafka consumer process exposes its group's lag per partition at /metrics, back to 0 once drained", async () => {
      const lagOf = async () => {
        const text = await (await fetch(`${service("logger-2").url}/metrics`)).text();
        return [...text.matchAll(/^loginguard_consumer_lag_records\{([^}]*)\} (\d+)$/gm)]
          .filter(
            ([, labels]) => labels!.includes('group="logger"') && labels!.includes('topic="login.located"'),
          )
          .map(([, labels, value]) => ({
            partition: /partition="(\d+)"/.exec(labels!)![1],
            value: Number(value),
          }));
      };
      // Sampled every 10 s (the driver's default): within a few rounds every partition is there, at 0.
      let series: Awaited<ReturnType<typeof lagOf>> = [];
      for (let i = 0; i < 60; i++) {
        series = await lagOf();
        if (series.length === 12 && series.every((s) => s.value === 0)) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      expect(series.map((s) => s.partition).sort((a, b) => Number(a) - Number(b))).toEqual(
        Array.from({ length: 12 }, (_, i) => String(i)),
      );
      expect(series.every((s) => s.value === 0)).toBe(true);
    }, 90_000);

    it("two of three brokers down: ingest answers 503 with retry-after, nothing accepted is lost, the pipeline drains when they return", async () => {
      const prefix = "prod-isr";
      for (let n = 0; n < ACCOUNTS; n++)
        await api.setContact(`${prefix}-${n}`, { email: `${prefix}-${n}@example.test` });
      const batches = loginsOf(prefix);
      const post = (batch: Login[]) =>
        fetch(`${proxy.url}/v1/logins`, {
          method: "POST",
          headers: { authorization: `Bearer ${KEYS.ingest}`, "content-type": "application/json" },
          body: JSON.stringify({ events: batch }),
        });
      // A third accepted while all brokers are up; the stages are still busy with them.
      for (const batch of batches.slice(0, ACCOUNTS / 4)) expect((await post(batch)).status).toBe(202);

      const down = [2, 3];
      const downAt = Date.now();
      for (const node of down) await cluster.kill(node);
      const statuses: number[] = [];
      const refused = await post(batches[ACCOUNTS / 4]!);
      statuses.push(refused.status);
      expect(refused.status).toBe(503);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(refused.headers.get("content-type")).toMatch(/problem\+json/);

      // The game server's side: retry each batch, honouring retry-after, until accepted.
      const posting = (async () => {
        for (const batch of batches.slice(ACCOUNTS / 4)) {
          for (;;) {
            const res = await post(batch);
            statuses.push(res.status);
            await res.body?.cancel();
            if (res.status === 202) break;
            expect(res.status).toBe(503);
            await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get("retry-after") ?? 1)));
          }
        }
      })();
      await new Promise((r) => setTimeout(r, 10_000));
      const refusedWhileDown = statuses.filter((s) => s === 503).length;
      expect(statuses.filter((s) => s === 202)).toEqual([]);
      // Both at once: the controller quorum (2 of 3) is back as soon as either joins node 1.
      await Promise.all(down.map((node) => cluster.start(node)));
      const upAt = Date.now();
      await posting;
      await expectNothingLostOrDoubled(api, receivers, prefix);
      console.log(
        `[production e2e] brokers ${down.join(",")} down for ${upAt - downAt} ms: ${refusedWhileDown} posts answered 503 ` +
          `while down, ${statuses.filter((s) => s === 503).length} in all; pipeline drained ${Date.now() - upAt} ms after they returned`,
      );
    }, 300_000);
  },
);
