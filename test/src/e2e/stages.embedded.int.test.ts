import { stagesCommand } from "@loginguard/cli";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli as run } from "./cli-run";
import { MetricsPage } from "./metrics-text";
import {
  eventually,
  KEYS,
  productEnv,
  type Receivers,
  type RunningProduct,
  startProduct,
  startReceivers,
  tempDataDir,
} from "./product";

describe("operations on a running embedded instance", () => {
  let receivers: Receivers;
  let data: { dir: string; remove(): void };
  let product: RunningProduct;
  let cli: Record<string, string>;

  beforeAll(async () => {
    receivers = await startReceivers();
    data = tempDataDir("operations");
    product = await startProduct(productEnv(receivers, data.dir));
    cli = {
      ADMIN_API_KEYS: `e2e:${KEYS.admin}`,
      DATA_DIR: data.dir,
      LOG_LEVEL: "warn",
    };
  });
  afterAll(async () => {
    await product?.stop();
    await receivers?.close();
    data?.remove();
  });

  it("stages set changes a limit on the running instance, visible in /metrics, with an audit row", async () => {
    const listed = await run(stagesCommand, ["list", "--url", product.url], cli);
    expect(listed.code, listed.err).toBe(0);
    expect(listed.out).toMatch(/ip-checker\s+all\s+\d+/);
    const set = await run(
      stagesCommand,
      [
        "set",
        "ip-checker",
        "--max-in-flight",
        "7",
        "--by",
        "oncall-anna",
        "--reason",
        "GeoIP disk slow",
        "--url",
        product.url,
      ],
      cli,
    );
    expect(set.code, set.err).toBe(0);
    expect(set.out).toContain("ip-checker at");
    expect(set.out).toContain("max in flight 7");
    const page = await MetricsPage.fetch(product.url);
    expect(page.value("loginguard_stage_max_in_flight", { stage: "ip-checker" })).toBe(7);

    const paused = await run(stagesCommand, ["pause", "logger", "--url", product.url], cli);
    expect(paused.out).toContain("paused");
    expect((await MetricsPage.fetch(product.url)).value("loginguard_stage_paused", { stage: "logger" })).toBe(
      1,
    );
    await run(stagesCommand, ["resume", "logger", "--url", product.url], cli);
    expect((await MetricsPage.fetch(product.url)).value("loginguard_stage_paused", { stage: "logger" })).toBe(
      0,
    );

    const unknown = await run(
      stagesCommand,
      ["set", "nope", "--max-in-flight", "3", "--url", product.url],
      cli,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("runs stage nope");

    const row = await eventually("the change in the audit trail", async () => {
      const res = await fetch(`${product.url}/v1/audit?accountId=${encodeURIComponent("(operations)")}`, {
        headers: { authorization: `Bearer ${KEYS.admin}` },
      });
      const body = (await res.json()) as {
        items: Array<{ action: string; reason: string | null; details: Record<string, unknown> }>;
      };
      return body.items.find((i) => i.action === "operator.stage_max_in_flight");
    });
    expect(row.reason).toBe("GeoIP disk slow");
    expect(row.details).toMatchObject({ stage: "ip-checker", to: 7, service: "all" });
  });
});
