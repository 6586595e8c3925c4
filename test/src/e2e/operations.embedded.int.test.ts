import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dlqCommand, stagesCommand } from "@loginguard/cli";
import { type HttpRecorder, startHttpRecorder } from "@loginguard/testing/http-recorder";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MetricsPage } from "./metrics-text";
import {
  at,
  eventually,
  KEYS,
  productEnv,
  type Receivers,
  type RunningProduct,
  startProduct,
  startReceivers,
  tempDataDir,
} from "./product";

const ROUTE = "dlq-demo";

/** What a command printed, and its exit code. */
async function run(
  command: typeof dlqCommand | typeof stagesCommand,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; out: string; err: string; progress: string }> {
  const out: string[] = [];
  const err: string[] = [];
  let progress = "";
  const stream = {
    write(chunk: string) {
      progress += chunk;
      return true;
    },
    isTTY: false,
  } as unknown as NodeJS.WritableStream;
  const code = await command(args, {
    env,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    progress: stream,
  });
  return { code, out: out.join("\n"), err: err.join("\n"), progress };
}

describe("operations on a running embedded instance", () => {
  let receivers: Receivers;
  let endpoint: HttpRecorder;
  let broken = true;
  let data: { dir: string; remove(): void };
  let routesDir: string;
  let product: RunningProduct;
  let cli: Record<string, string>;

  beforeAll(async () => {
    receivers = await startReceivers();
    endpoint = await startHttpRecorder(() => ({ status: broken ? 400 : 204 }));
    routesDir = mkdtempSync(join(tmpdir(), "loginguard-e2e-routes-"));
    writeFileSync(
      join(routesDir, `${ROUTE}.json`),
      JSON.stringify({
        name: ROUTE,
        input: "login.attempted",
        endpoint: `${endpoint.url}/logins`,
        mode: "sink",
        concurrency: 4,
        timeoutMs: 5000,
        retry: { initialMs: 50, maxMs: 200 },
      }),
    );
    data = tempDataDir("operations");
    product = await startProduct(productEnv(receivers, data.dir, { RELAY_ROUTES_DIR: routesDir }));
    cli = {
      ADMIN_API_KEYS: `e2e:${KEYS.admin}`,
      DATA_DIR: data.dir,
      LOG_LEVEL: "warn",
    };
  });
  afterAll(async () => {
    await product?.stop();
    await receivers?.close();
    await endpoint?.close();
    data?.remove();
    if (routesDir) rmSync(routesDir, { recursive: true, force: true });
  });

  const answered = (status: number) =>
    endpoint.requests.filter((_, i) => statuses[i] === status).map((r) => String(r.headers["ce-id"]));
  const statuses: number[] = [];

  it("dlq: a 400 endpoint's records are listed, replayed with a progress bar once fixed, delivered once; a second replay delivers nothing", async () => {
    endpoint.reply(() => {
      statuses.push(broken ? 400 : 204);
      return { status: broken ? 400 : 204 };
    });
    const account = `dlq-${Date.now().toString(36)}`;
    const logins = [0, 1, 2].map((i) => ({
      eventId: `${account}-e${i}`,
      accountId: account,
      occurredAt: at(i),
      ip: "175.223.10.4",
      result: "success" as const,
    }));
    expect((await product.api.postLogins(logins)).status).toBe(202);
    await eventually("three 400 answers", async () => answered(400).length >= 3);

    const listed = await eventually("three dead letters listed", async () => {
      const r = await run(dlqCommand, ["list", "--topic", "login.attempted", "--url", product.url], cli);
      return r.code === 0 &&
        r.out.startsWith("dead letters in the running instance") &&
        r.out.includes(": 3 to replay")
        ? r
        : undefined;
    });
    expect(listed.out).toContain("login.attempted.dlq");
    expect(listed.out).toMatch(
      /TOPIC\s+PARTITION\s+OFFSET\s+ERROR\s+ATTEMPTS\s+FIRST FAILURE\s+CORRELATION ID/,
    );
    expect(listed.out).toContain("400");
    for (const l of logins) expect(listed.out).toContain(l.eventId);

    const dry = await run(dlqCommand, ["replay", "--dry-run", "--url", product.url], cli);
    expect(dry.out).toContain("dry run: would replay 3 dead letter(s)");
    await new Promise((r) => setTimeout(r, 500));
    expect(answered(204)).toHaveLength(0);

    broken = false;
    const first = await run(dlqCommand, ["replay", "--by", "oncall-anna", "--url", product.url], cli);
    expect(first.code, first.err).toBe(0);
    expect(first.progress).toContain("3/3");
    expect(first.out).toContain("replayed 3, skipped 0 already replayed, by oncall-anna");
    const delivered = await eventually("the three replayed logins delivered", async () =>
      answered(204).length >= 3 ? answered(204) : undefined,
    );
    expect([...delivered].sort()).toEqual(logins.map((l) => l.eventId).sort());

    const second = await run(dlqCommand, ["replay", "--by", "oncall-anna", "--url", product.url], cli);
    expect(second.code).toBe(0);
    expect(second.out).toContain("replayed 0,");
    await new Promise((r) => setTimeout(r, 1500));
    expect(answered(204)).toHaveLength(3);

    const all = await run(dlqCommand, ["list", "--all", "--url", product.url], cli);
    expect(all.out).toContain("by oncall-anna (admin key e2e)");
    const [id] = /login\.attempted\.dlq\s+\d+\s+\d+/.exec(all.out) ?? [];
    const [topic, partition, offset] = id!.split(/\s+/);
    const shown = await run(
      dlqCommand,
      ["show", `${topic}:${partition}:${offset}`, "--url", product.url],
      cli,
    );
    expect(JSON.parse(shown.out)).toMatchObject({ sourceTopic: "login.attempted", stage: `relay-${ROUTE}` });

    const audit = await eventually("the replay in the audit trail", async () => {
      const res = await fetch(`${product.url}/v1/audit?accountId=${encodeURIComponent("(operations)")}`, {
        headers: { authorization: `Bearer ${KEYS.admin}` },
      });
      const body = (await res.json()) as { items: Array<{ action: string; actor: { id: string } }> };
      return body.items.find((i) => i.action === "operator.dlq_replay");
    });
    expect(audit.actor.id).toBe("oncall-anna (admin key e2e)");
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
