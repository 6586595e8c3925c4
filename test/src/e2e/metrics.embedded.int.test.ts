import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

const KR = "175.223.10.4";
const BR = "177.67.80.1";

/** The stages the embedded product runs, with their input topics. */
const STAGES: Array<[string, string]> = [
  ["ip-checker", "login.attempted"],
  ["logger", "login.located"],
  ["logger-outcomes", "security.decided"],
  ["account-security", "login.recorded"],
  ["responder", "security.decided"],
  ["portal-overview", "security.decided"],
];

describe("/metrics tells the story (embedded)", () => {
  let receivers: Receivers;
  let data: { dir: string; remove(): void };
  let product: RunningProduct;

  beforeAll(async () => {
    receivers = await startReceivers();
    data = tempDataDir("metrics");
    product = await startProduct(productEnv(receivers, data.dir));
  });
  afterAll(async () => {
    await product?.stop();
    await receivers?.close();
    data?.remove();
  });

  it("shows every family at zero from start-up, for every stage and channel", async () => {
    const page = await MetricsPage.fetch(product.url);
    for (const [stage, topic] of STAGES) {
      expect(page.samples("loginguard_stage_records_in_total", { stage, topic }), stage).toHaveLength(1);
      expect(page.samples("loginguard_stage_records_filtered_total", { stage }), stage).toHaveLength(1);
      expect(page.samples("loginguard_stage_retries_total", { stage }), stage).toHaveLength(1);
      expect(page.samples("loginguard_stage_handler_seconds", { stage }), stage).toHaveLength(1);
      expect(page.value("loginguard_stage_max_in_flight", { stage }), stage).toBeGreaterThan(0);
      expect(
        page.samples("loginguard_stage_dead_lettered_total", { stage, topic: `${topic}.dlq` }).length,
        stage,
      ).toBeGreaterThan(0);
    }
    expect(page.value("loginguard_stage_records_in_total")).toBe(0);
    expect(
      page.samples("loginguard_stage_records_out_total", { stage: "ip-checker", topic: "login.located" }),
    ).toHaveLength(1);
    expect(page.labelValues("loginguard_notifications_total", "channel")).toEqual([
      "email",
      "in_game",
      "sms",
      "webhook",
    ]);
    expect(page.value("loginguard_notifications_total")).toBe(0);
    expect(page.labelValues("loginguard_decisions_total", "rule")).toContain("impossible_travel");
    expect(page.value("loginguard_decisions_total")).toBe(0);
    expect(page.families.has("loginguard_consumer_lag_records")).toBe(true);
    expect(page.samples("loginguard_consumer_lag_records", { group: "ip-checker" }).length).toBeGreaterThan(
      0,
    );
  });

  it("counts a known run: three logins, one impossible-travel lock, one email", async () => {
    const api = product.api;
    const account = `metrics-${Date.now().toString(36)}`;
    expect((await api.setContact(account, { email: `${account}@example.test` })).status).toBe(200);
    const accepted = await api.postLogins([
      { accountId: account, occurredAt: at(0), ip: KR, result: "success", sessionId: "s1" },
      { accountId: account, occurredAt: at(5), ip: KR, result: "success", sessionId: "s2" },
      { accountId: account, occurredAt: at(15), ip: BR, result: "success", sessionId: "s3" },
    ]);
    expect(accepted.status).toBe(202);
    const page = await eventually("the lock email counted and its outcome recorded", async () => {
      const p = await MetricsPage.fetch(product.url);
      const done =
        p.value("loginguard_notifications_total", { channel: "email", outcome: "delivered" }) === 1 &&
        p.value("loginguard_stage_records_in_total", {
          stage: "logger-outcomes",
          topic: "action.completed",
        }) >= 1;
      return done ? p : undefined;
    });

    const inOf = (stage: string, topic: string) =>
      page.value("loginguard_stage_records_in_total", { stage, topic });
    const outOf = (stage: string, topic: string) =>
      page.value("loginguard_stage_records_out_total", { stage, topic });
    expect(inOf("ip-checker", "login.attempted")).toBe(3);
    expect(outOf("ip-checker", "login.located")).toBe(3);
    expect(inOf("logger", "login.located")).toBe(3);
    expect(outOf("logger", "login.recorded")).toBe(3);
    expect(inOf("account-security", "login.recorded")).toBe(3);
    expect(outOf("account-security", "security.decided")).toBe(1);
    expect(outOf("account-security", "account.changed")).toBe(1);
    expect(page.value("loginguard_stage_records_filtered_total", { stage: "account-security" })).toBe(2);
    expect(page.value("loginguard_decisions_total", { rule: "none" })).toBe(2);
    expect(
      page.value("loginguard_decisions_total", {
        rule: "impossible_travel",
        mode: "enforce",
        action: "lock",
      }),
    ).toBe(1);
    expect(inOf("responder", "security.decided")).toBe(1);
    expect(outOf("responder", "action.completed")).toBe(1);
    expect(page.value("loginguard_stage_dead_lettered_total")).toBe(0);
    expect(page.value("loginguard_stage_handler_seconds", { stage: "ip-checker" })).toBeGreaterThanOrEqual(1);
    expect(
      page.value("loginguard_http_request_seconds", { route: "/v1/logins", method: "POST", status: "202" }),
    ).toBe(1);
    expect(
      page.value("loginguard_http_request_seconds", {
        route: "/v1/accounts/:accountId/contact",
        status: "200",
      }),
    ).toBe(1);
    const lag = page.samples("loginguard_consumer_lag_records", {
      group: "ip-checker",
      topic: "login.attempted",
    });
    expect(lag.length).toBeGreaterThan(0);
  });
});
