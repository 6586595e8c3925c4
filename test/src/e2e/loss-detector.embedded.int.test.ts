import { stagesCommand } from "@loginguard/cli";
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

interface StuckReport {
  total: number;
  logins: Array<{ loginId: string; lastStage: string }>;
}

describe("the loss detector (embedded)", () => {
  let receivers: Receivers;
  let data: { dir: string; remove(): void };
  let product: RunningProduct;
  let cli: Record<string, string>;

  beforeAll(async () => {
    receivers = await startReceivers();
    data = tempDataDir("loss");
    product = await startProduct(
      productEnv(receivers, data.dir, {
        LOSS_DETECTOR_DEADLINE_SECONDS: "2",
        LOSS_DETECTOR_INTERVAL_SECONDS: "1",
      }),
    );
    cli = { ADMIN_API_KEYS: `e2e:${KEYS.admin}`, DATA_DIR: data.dir, LOG_LEVEL: "warn" };
  });
  afterAll(async () => {
    await product?.stop();
    await receivers?.close();
    data?.remove();
  });

  const stuckNow = async (): Promise<StuckReport> => {
    const res = await fetch(`${product.url}/v1/overview`, {
      headers: { authorization: `Bearer ${KEYS.admin}` },
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { stuck: StuckReport }).stuck;
  };
  const stage = async (...args: string[]) => {
    const err: string[] = [];
    const code = await stagesCommand([...args, "--url", product.url], {
      env: cli,
      out: () => {},
      err: (l) => err.push(l),
    });
    expect(code, err.join("\n")).toBe(0);
  };

  it("reports the logins a stopped stage holds, with the last stage that saw them, and clears when it comes back", async () => {
    const account = `loss-${Date.now().toString(36)}`;
    // Logins with nothing to do: no decision event, so only account-security's commits settle them.
    const ok = [0, 1].map((i) => ({
      eventId: `${account}-ok${i}`,
      accountId: `${account}-a`,
      occurredAt: at(i),
      ip: "175.223.10.4",
      result: "success" as const,
    }));
    expect((await product.api.postLogins(ok)).status).toBe(202);
    await new Promise((r) => setTimeout(r, 3500));
    expect((await stuckNow()).total, "handled logins are not stuck").toBe(0);

    await stage("pause", "logger", "--reason", "loss detector test");
    const held = [0, 1, 2].map((i) => ({
      eventId: `${account}-held${i}`,
      accountId: `${account}-b${i}`,
      occurredAt: at(i),
      ip: "175.223.10.4",
      result: "success" as const,
    }));
    expect((await product.api.postLogins(held)).status).toBe(202);

    const report = await eventually(
      "three stuck logins reported",
      async () => {
        const s = await stuckNow();
        return s.total === 3 ? s : undefined;
      },
      20_000,
    );
    expect(report.logins.map((l) => l.loginId).sort()).toEqual(held.map((l) => l.eventId).sort());
    expect(new Set(report.logins.map((l) => l.lastStage))).toEqual(new Set(["ip-checker"]));
    // The gauge is set by the sweep (every second here); the overview asks the store directly.
    const page = await eventually("the gauge at three", async () => {
      const p = await MetricsPage.fetch(product.url);
      return p.value("loginguard_stuck_logins", { stage: "ip-checker" }) === 3 ? p : undefined;
    });
    expect(page.value("loginguard_stuck_logins_reported_total", { stage: "ip-checker" })).toBe(3);

    await stage("resume", "logger");
    await eventually("the report cleared", async () => (await stuckNow()).total === 0, 20_000);
    await eventually("the gauge back at zero", async () => {
      const p = await MetricsPage.fetch(product.url);
      return p.value("loginguard_stuck_logins", { stage: "ip-checker" }) === 0;
    });
  });
});

describe("the loss detector across restarts (embedded)", () => {
  const WITHOUT_LOGGER = "ingest,ip-checker,account-security,responder,portal,relay";
  let receivers: Receivers;
  let data: { dir: string; remove(): void };
  let product: RunningProduct | undefined;
  const env = (extra: Record<string, string>) =>
    productEnv(receivers, data.dir, {
      LOSS_DETECTOR_DEADLINE_SECONDS: "2",
      LOSS_DETECTOR_INTERVAL_SECONDS: "1",
      ...extra,
    });
  const stuck = async (): Promise<StuckReport> => {
    const res = await fetch(`${product!.url}/v1/overview`, {
      headers: { authorization: `Bearer ${KEYS.admin}` },
    });
    return ((await res.json()) as { stuck: StuckReport }).stuck;
  };

  beforeAll(async () => {
    receivers = await startReceivers();
    data = tempDataDir("loss-restart");
  });
  afterAll(async () => {
    await product?.stop();
    await receivers?.close();
    data?.remove();
  });

  it("keeps reporting the logins a stopped logger holds after the detector restarts, and clears once the logger runs", async () => {
    product = await startProduct(env({ LOGINGUARD_SERVICES: WITHOUT_LOGGER }));
    const account = `restart-${Date.now().toString(36)}`;
    const held = [0, 1, 2].map((i) => ({
      eventId: `${account}-e${i}`,
      accountId: `${account}-${i}`,
      occurredAt: at(i),
      ip: "175.223.10.4",
      result: "success" as const,
    }));
    expect((await product.api.postLogins(held)).status).toBe(202);
    await eventually("three stuck logins", async () => (await stuck()).total === 3, 20_000);
    await product.stop();

    // The detector's state is in the portal's table, not in memory: a restart reports the same logins.
    product = await startProduct(env({ LOGINGUARD_SERVICES: WITHOUT_LOGGER }));
    const again = await eventually(
      "the same three after the restart",
      async () => {
        const s = await stuck();
        return s.total === 3 ? s : undefined;
      },
      20_000,
    );
    expect(again.logins.map((l) => l.loginId).sort()).toEqual(held.map((l) => l.eventId).sort());
    await product.stop();

    product = await startProduct(env({}));
    await eventually(
      "the report cleared with the logger back",
      async () => (await stuck()).total === 0,
      30_000,
    );
  });
});
