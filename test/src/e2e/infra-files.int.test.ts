import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { accountSecurityEnvSchema } from "@loginguard/account-security";
import { ingestEnvSchema } from "@loginguard/ingest";
import { ipCheckerEnvSchema } from "@loginguard/ip-checker";
import { loggerEnvSchema } from "@loginguard/logger";
import { platformEnvSchema } from "@loginguard/platform";
import { portalEnvSchema } from "@loginguard/portal";
import { relayEnvSchema } from "@loginguard/relay";
import { responderEnvSchema } from "@loginguard/responder";
import { requireComponents } from "@loginguard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { z } from "zod";
import { MetricsPage } from "./metrics-text";
import {
  at,
  eventually,
  productEnv,
  type Receivers,
  type RunningProduct,
  startProduct,
  startReceivers,
  tempDataDir,
} from "./product";

const INFRA = fileURLToPath(new URL("../../../infra/", import.meta.url));
const read = (path: string) => readFileSync(`${INFRA}${path}`, "utf8");

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  deploy?: { replicas?: number };
}
const compose = parse(read("compose.yaml"), { merge: true }) as { services: Record<string, ComposeService> };

/** Each app's own variables; every process also reads the platform's. */
const SCHEMAS: Record<string, z.ZodObject> = {
  ingest: ingestEnvSchema,
  "ip-checker": ipCheckerEnvSchema,
  logger: loggerEnvSchema,
  "account-security": accountSecurityEnvSchema,
  responder: responderEnvSchema,
  portal: portalEnvSchema,
  relay: relayEnvSchema,
  // `loginguard topics apply` reads the platform's and the relay's (TOPICS_FILE).
  cli: relayEnvSchema,
};

/** The app a loginguard container runs, from its command (`apps/<app>/src/main.ts`). */
function appOf(service: ComposeService): string | undefined {
  return /^apps\/([^/]+)\/src\/main\.ts$/.exec(service.command?.[0] ?? "")?.[1];
}

/** Metric names a PromQL expression reads (`up` is Prometheus's own). */
function metricsOf(expr: string): string[] {
  return [...expr.matchAll(/\b(loginguard_[a-z_]+)/g)].map((m) => m[1]!.replace(/_(bucket|count|sum)$/, ""));
}

describe("infra/: compose, Prometheus and Grafana files", () => {
  it("compose parses, pins every image tag (no latest), and runs Kafka KRaft x3 with RF 3, min ISR 2", () => {
    const services = compose.services;
    for (const [name, s] of Object.entries(services)) {
      expect(s.image, name).toMatch(/^[^:]+:[^:]+$/);
      expect(s.image, name).not.toMatch(/:latest$/);
    }
    const brokers = Object.keys(services).filter((n) => /^kafka-\d$/.test(n));
    expect(brokers).toHaveLength(3);
    for (const b of brokers) {
      const env = services[b]!.environment!;
      expect(env.KAFKA_PROCESS_ROLES).toBe("broker,controller");
      expect(env.KAFKA_DEFAULT_REPLICATION_FACTOR).toBe("3");
      expect(env.KAFKA_MIN_INSYNC_REPLICAS).toBe("2");
    }
    for (const busy of ["ip-checker", "logger", "account-security"])
      expect(services[busy]?.deploy?.replicas).toBe(2);
    for (const app of ["ingest", "responder", "portal", "relay"]) expect(appOf(services[app]!)).toBe(app);
    for (const other of ["postgres", "mailpit", "prometheus", "grafana"])
      expect(services[other], other).toBeDefined();
  });

  it("every variable the compose file sets for a loginguard service is one its env schema knows, and parses", () => {
    const platformKeys = Object.keys(platformEnvSchema.shape);
    let checked = 0;
    for (const [name, s] of Object.entries(compose.services)) {
      const app = appOf(s);
      if (!app) continue;
      const known = new Set([...platformKeys, ...Object.keys(SCHEMAS[app]!.shape)]);
      const env = s.environment ?? {};
      for (const key of Object.keys(env)) expect(known.has(key), `${name} sets ${key}`).toBe(true);
      // ${VAR:?...} and ${VAR:-default} filled as an operator's .env would.
      const filled = Object.fromEntries(
        Object.entries(env).map(([k, v]) => [
          k,
          v.replace(/\$\{([A-Z_]+)(?::[?-][^}]*)?\}/g, (_, n: string) =>
            n.endsWith("_KEYS")
              ? `ops:${"k".repeat(24)}`
              : n === "PUBLIC_URL"
                ? "https://account.example.com"
                : "s".repeat(40),
          ),
        ]),
      );
      expect(platformEnvSchema.safeParse(filled).success, `${name}: platform variables`).toBe(true);
      const parsed = SCHEMAS[app]!.safeParse(filled);
      expect(parsed.success, `${name}: ${JSON.stringify(parsed.error?.issues ?? [])}`).toBe(true);
      checked++;
    }
    expect(checked).toBe(8); // seven services and the one-shot `topics apply`
  });

  const promtool = requireComponents("promtool");
  it.skipIf(promtool.skip)(
    `promtool accepts the scrape config and the alert rules ${promtool.reason}`,
    () => {
      const config = execFileSync("promtool", ["check", "config", `${INFRA}prometheus/prometheus.yml`], {
        encoding: "utf8",
      });
      expect(config).toContain("SUCCESS");
      const rules = execFileSync("promtool", ["check", "rules", `${INFRA}prometheus/alerts.yml`], {
        encoding: "utf8",
      });
      expect(rules).toMatch(/SUCCESS: \d+ rules found/);
    },
  );

  describe("every metric a dashboard panel or an alert queries is exposed by /metrics after a run", () => {
    let receivers: Receivers;
    let data: { dir: string; remove(): void };
    let product: RunningProduct;
    beforeAll(async () => {
      receivers = await startReceivers();
      data = tempDataDir("infra");
      product = await startProduct(productEnv(receivers, data.dir));
    });
    afterAll(async () => {
      await product?.stop();
      await receivers?.close();
      data?.remove();
    });

    it("alerts and the Grafana dashboard read only exposed families", async () => {
      const account = `infra-${Date.now().toString(36)}`;
      await product.api.postLogins([
        { accountId: account, occurredAt: at(0), ip: "175.223.10.4", result: "success" },
      ]);
      const page = await eventually("the login through account-security", async () => {
        const p = await MetricsPage.fetch(product.url);
        return p.value("loginguard_stage_records_in_total", { stage: "account-security" }) >= 1
          ? p
          : undefined;
      });
      const rules = parse(read("prometheus/alerts.yml")) as {
        groups: Array<{ rules: Array<{ expr: string }> }>;
      };
      const dashboard = JSON.parse(read("grafana/dashboards/pipeline.json")) as {
        panels: Array<{ targets: Array<{ expr: string }> }>;
      };
      const exprs = [
        ...rules.groups.flatMap((g) => g.rules.map((r) => r.expr)),
        ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)),
      ];
      const queried = new Set(exprs.flatMap(metricsOf));
      expect(queried.size).toBeGreaterThan(8);
      for (const name of queried) expect(page.families.has(name), `${name} in /metrics`).toBe(true);
    });
  });
});
