import type { Plan, ScenarioName } from "./plan";
import type { SendResult } from "./sender";
import { percentiles } from "./stats";
import type { Verification } from "./verify";
import type { ReceivedWebhook } from "./webhook-receiver";

/** Everything a run produced, for the summary and for tests. */
export interface SimulationReport {
  url: string;
  seed: string;
  plan: Plan;
  send: SendResult;
  verification: Verification;
  webhooks: { received: ReceivedWebhook[]; signatureFailures: string[]; repeats: number };
  /** What did not go as expected, in words; empty when everything did. */
  problems: string[];
}

/** What each scenario should lead to, in words. */
export const EXPECTED: Record<ScenarioName, string> = {
  home: "nothing to do; not locked",
  travel: "notify new_country (email); not locked",
  takeover: "lock impossible_travel + player.kick",
  failure_burst: "notify failure_burst (email); never lock",
  credential_stuffing: "IP flagged; lock takeover_suspected + kick",
};

/** The problems of a run: logins not accepted, expectations not met, signatures that failed. */
export function problemsOf(
  plan: Plan,
  send: SendResult,
  verification: Verification,
  signatureFailures: readonly string[],
): string[] {
  const problems: string[] = [];
  if (send.accepted < plan.logins.length) {
    problems.push(`${plan.logins.length - send.accepted} of ${plan.logins.length} logins were not accepted`);
  }
  for (const v of verification.cases.filter((c) => !c.met)) {
    const seen = v.status === undefined ? "status unreadable" : v.status.locked ? "locked" : "not locked";
    const hooks =
      verification.webhooksChecked && v.case.locked && (!v.kicked || !v.lockWebhook)
        ? ", webhooks missing"
        : "";
    problems.push(
      `${v.case.scenario} ${v.case.accountId}: expected ${v.case.locked ? "locked" : "not locked"}, seen ${seen}${hooks}`,
    );
  }
  if (verification.unexpectedlyLocked.length > 0) {
    problems.push(`${verification.unexpectedlyLocked.length} accounts locked that no scenario should lock`);
  }
  if (verification.statusErrors > 0) problems.push(`${verification.statusErrors} status calls failed`);
  for (const f of verification.flaggedIps.filter((f) => f.flagged !== true)) {
    problems.push(`stuffing address ${f.ip} (${f.country}) is not flagged`);
  }
  if (signatureFailures.length > 0) {
    problems.push(
      `${signatureFailures.length} webhooks failed verification (${[...new Set(signatureFailures)].join("; ")})`,
    );
  }
  return problems;
}

/** Victims listed one by one; the rest are counted. */
const MAX_LISTED = 30;

const ms = (n: number) => (Number.isNaN(n) ? "-" : `${n.toFixed(1)} ms`);

/** The end-of-run summary, one string per line. */
export function formatReport(report: SimulationReport): string[] {
  const { plan, send, verification: v, webhooks } = report;
  const lat = percentiles(send.latencies);
  const seconds = send.elapsedMs / 1000;
  const codes = send.statusCodes
    .entries()
    .sort(([a], [b]) => a - b)
    .map(([code, n]) => `${code === 0 ? "no answer" : code} x${n}`)
    .join(", ");
  const lines = [
    "",
    `run ${plan.runId} (seed ${report.seed}) against ${report.url}`,
    `sent        ${plan.logins.length} logins of ${plan.players.length} players in ${send.requests} requests over ${seconds.toFixed(1)} s (${(send.requests / Math.max(seconds, 0.001)).toFixed(0)} requests/s)`,
    `accepted    ${send.accepted} of ${plan.logins.length}`,
    `HTTP        ${codes || "-"}`,
    `latency     POST /v1/logins p50 ${ms(lat.p50)}, p99 ${ms(lat.p99)}, max ${ms(lat.max)} (client side)`,
    "",
    `${"scenario".padEnd(20)} ${"count".padStart(5)} ${"logins".padStart(6)}  ${"expected".padEnd(44)} seen`,
  ];
  const specialAccounts = new Set(plan.cases.map((c) => c.accountId));
  const homeOnly = plan.players.filter((p) => !specialAccounts.has(p.accountId)).map((p) => p.accountId);
  const unexpected = new Set(v.unexpectedlyLocked);
  for (const scenario of Object.keys(EXPECTED) as ScenarioName[]) {
    const count = plan.counts[scenario];
    let seen: string;
    if (scenario === "home") {
      seen = `${homeOnly.filter((id) => !unexpected.has(id)).length}/${homeOnly.length} not locked`;
    } else {
      const verdicts = v.cases.filter((c) => c.case.scenario === scenario);
      const locked = verdicts.filter((c) => c.status?.locked).length;
      if (count.instances === 0) seen = "-";
      else if (verdicts[0]?.case.locked) {
        seen = `${locked}/${verdicts.length} locked`;
        if (v.webhooksChecked)
          seen += `, ${verdicts.filter((c) => c.kicked).length}/${verdicts.length} kicked`;
      } else seen = `${verdicts.length - locked}/${verdicts.length} not locked`;
      if (scenario === "credential_stuffing" && v.flaggedIps.length > 0) {
        seen += `, ${v.flaggedIps.filter((f) => f.flagged).length}/${v.flaggedIps.length} IPs flagged`;
      }
    }
    lines.push(
      `${scenario.padEnd(20)} ${String(count.instances).padStart(5)} ${String(count.logins).padStart(6)}  ${EXPECTED[scenario].padEnd(44)} ${seen}`,
    );
  }
  lines.push(
    "(notifications go out by email or SMS: the support console's outbox or your mail catcher shows them)",
  );

  const lockedCases = v.cases.filter((c) => c.case.locked);
  if (lockedCases.length > 0) {
    lines.push(
      "",
      `takeover victims, expected vs seen (settled after ${(v.settledMs / 1000).toFixed(1)} s):`,
    );
    for (const c of lockedCases.slice(0, MAX_LISTED)) {
      const seenLock =
        c.status === undefined
          ? "status unreadable"
          : c.status.locked
            ? `locked (${c.status.reason ?? "?"})`
            : "NOT locked";
      const seenHooks = v.webhooksChecked
        ? `, kick ${c.kicked ? "received" : "MISSING"}, account.locked ${c.lockWebhook ? "received" : "MISSING"}`
        : "";
      lines.push(
        `  ${c.case.accountId.padEnd(28)} ${c.case.scenario.padEnd(20)} ${c.case.detail.padEnd(44)} expected locked + kick; seen ${seenLock}${seenHooks}`,
      );
    }
  }
  if (lockedCases.length > MAX_LISTED) {
    const rest = lockedCases.slice(MAX_LISTED);
    lines.push(`  ... and ${rest.length} more, ${rest.filter((c) => c.met).length} of them as expected`);
  }
  for (const w of send.flagWaits.filter((f) => !f.flagged)) {
    lines.push(
      `note: ${w.ip} was not flagged after ${(w.waitedMs / 1000).toFixed(1)} s; its success was sent anyway`,
    );
  }

  const byType = new Map<string, number>();
  for (const w of webhooks.received) byType.set(w.type, (byType.get(w.type) ?? 0) + 1);
  const types = [...byType.entries()].map(([t, n]) => `${t} ${n}`).join(", ");
  lines.push(
    "",
    `webhooks    ${webhooks.received.length} verified${types ? ` (${types})` : ""}, ${webhooks.repeats} repeats, ${webhooks.signatureFailures.length} signature failures`,
  );
  if (webhooks.received.length === 0 && webhooks.signatureFailures.length === 0 && lockedCases.length > 0) {
    lines.push(
      "            none arrived: start loginguard with the GAME_WEBHOOK_URL and GAME_WEBHOOK_SECRET printed above",
    );
  }
  if (report.problems.length === 0) lines.push("result      every expectation met");
  else {
    lines.push(`result      ${report.problems.length} problems:`);
    for (const p of report.problems.slice(0, 20)) lines.push(`  - ${p}`);
    if (report.problems.length > 20) lines.push(`  ... and ${report.problems.length - 20} more`);
  }
  return lines;
}

/** One line per webhook as the game server sees it. */
export function describeWebhook(w: ReceivedWebhook): string {
  const d = w.data;
  const reasons = Array.isArray(d.reasons) ? ` (${(d.reasons as unknown[]).join(", ")})` : "";
  const account = String(d.accountId ?? "?");
  switch (w.type) {
    case "player.kick":
      return `webhook  kick     ${account} session ${String(d.sessionId ?? "?")}${reasons}`;
    case "account.locked":
      return `webhook  locked   ${account}${reasons}`;
    case "country.blocked":
      return `webhook  blocked  ${account} from ${String(d.country ?? "?")}${reasons}`;
    case "player.message":
      return `webhook  message  ${account}${d.sessionId ? ` session ${String(d.sessionId)}` : ""}`;
    case "account.unlocked":
      return `webhook  unlocked ${account}`;
    default:
      return `webhook  ${w.type} ${account}`;
  }
}
