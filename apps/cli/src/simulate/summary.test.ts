import { describe, expect, it } from "vitest";
import type { Plan, ScenarioCase } from "./plan";
import type { SendResult } from "./sender";
import { Tally } from "./stats";
import { describeWebhook, formatReport, problemsOf, type SimulationReport } from "./summary";
import type { Verification } from "./verify";

const takeover: ScenarioCase = {
  scenario: "takeover",
  accountId: "sim-1-player-3",
  detail: "KR -> BR after 12 min",
  expectedReasons: ["impossible_travel"],
  locked: true,
  kickSession: "s-attacker",
};
const travel: ScenarioCase = {
  scenario: "travel",
  accountId: "sim-1-player-2",
  detail: "KR -> JP after 4.1 h",
  expectedReasons: ["new_country"],
  locked: false,
};

function fixture(
  overrides: { accepted?: number; locked?: boolean; kicked?: boolean; failures?: string[] } = {},
) {
  const player = (n: number) => ({ n, accountId: `sim-1-player-${n}` }) as Plan["players"][number];
  const plan = {
    runId: "sim-1",
    players: [player(1), player(2), player(3)],
    logins: Array.from({ length: 10 }, () => ({}) as Plan["logins"][number]),
    cases: [takeover, travel],
    flaggedIps: [],
    counts: {
      home: { instances: 1, logins: 6 },
      travel: { instances: 1, logins: 2 },
      takeover: { instances: 1, logins: 2 },
      failure_burst: { instances: 0, logins: 0 },
      credential_stuffing: { instances: 0, logins: 0 },
    },
  } satisfies Plan;
  const statusCodes = new Tally<number>();
  statusCodes.add(202, overrides.accepted ?? 10);
  if ((overrides.accepted ?? 10) < 10) statusCodes.add(503, 10 - (overrides.accepted ?? 10));
  const send: SendResult = {
    accepted: overrides.accepted ?? 10,
    notAccepted: [],
    requests: 10,
    statusCodes,
    latencies: [1, 2, 3, 4, 5, 6, 7, 8, 9, 100],
    elapsedMs: 2000,
    flagWaits: [],
  };
  const locked = overrides.locked ?? true;
  const kicked = overrides.kicked ?? true;
  const verification: Verification = {
    cases: [
      {
        case: takeover,
        status: { locked, reason: locked ? "impossible_travel" : null },
        kicked,
        lockWebhook: kicked,
        met: locked && kicked,
      },
      { case: travel, status: { locked: false }, kicked: false, lockWebhook: false, met: true },
    ],
    unexpectedlyLocked: [],
    statusErrors: 0,
    flaggedIps: [],
    webhooksChecked: true,
    settledMs: 1500,
  };
  const failures = overrides.failures ?? [];
  const report: SimulationReport = {
    url: "http://localhost:8080",
    seed: "abc",
    plan,
    send,
    verification,
    webhooks: { received: [], signatureFailures: failures, repeats: 0 },
    problems: problemsOf(plan, send, verification, failures),
  };
  return report;
}

describe("the end-of-run summary", () => {
  it("prints counts, status codes, latency, each scenario's expectation and the victims", () => {
    const lines = formatReport(fixture()).join("\n");
    expect(lines).toContain("accepted    10 of 10");
    expect(lines).toContain("HTTP        202 x10");
    expect(lines).toContain("p50 5.0 ms, p99 100.0 ms");
    expect(lines).toMatch(
      /takeover\s+1\s+2\s+lock impossible_travel \+ player\.kick\s+1\/1 locked, 1\/1 kicked/,
    );
    expect(lines).toMatch(/travel\s+1\s+2\s+notify new_country \(email\); not locked\s+1\/1 not locked/);
    expect(lines).toMatch(
      /sim-1-player-3 .*KR -> BR after 12 min.*seen locked \(impossible_travel\), kick received/,
    );
    expect(lines.trimEnd().endsWith("result      every expectation met")).toBe(true);
  });

  it("lists what went wrong: logins not accepted, a victim not locked nor kicked, forged webhooks", () => {
    const report = fixture({
      accepted: 8,
      locked: false,
      kicked: false,
      failures: ["no matching v1 signature"],
    });
    expect(report.problems).toEqual([
      "2 of 10 logins were not accepted",
      "takeover sim-1-player-3: expected locked, seen not locked, webhooks missing",
      "1 webhooks failed verification (no matching v1 signature)",
    ]);
    const lines = formatReport(report).join("\n");
    expect(lines).toContain("HTTP        202 x8, 503 x2");
    expect(lines).toContain("seen NOT locked, kick MISSING");
    expect(lines).toContain("result      3 problems:");
  });

  it("describes each kind of webhook in one line", () => {
    const w = (type: string, data: Record<string, unknown>) => ({
      id: "m",
      type,
      timestamp: "",
      data,
      receivedAt: 0,
    });
    expect(
      describeWebhook(w("player.kick", { accountId: "a", sessionId: "s", reasons: ["impossible_travel"] })),
    ).toBe("webhook  kick     a session s (impossible_travel)");
    expect(describeWebhook(w("country.blocked", { accountId: "a", country: "BR" }))).toBe(
      "webhook  blocked  a from BR",
    );
    expect(describeWebhook(w("account.locked", { accountId: "a" }))).toBe("webhook  locked   a");
    expect(describeWebhook(w("player.message", { accountId: "a" }))).toBe("webhook  message  a");
  });
});
