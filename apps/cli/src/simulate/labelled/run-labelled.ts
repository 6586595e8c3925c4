import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InstanceClient } from "../http-client";
import { scanPublicIps } from "../ip-pool";
import type { SimulateOptions } from "../options";
import { type SimulateIo, waitUntilReady } from "../run";
import { forEachLimited } from "../verify";
import { startGameServerReceiver } from "../webhook-receiver";
import { newWebhookSecret } from "../webhook-signature";
import { type Delivery, deliverPlan } from "./deliver";
import { buildLabelledPlan, labelledCountries } from "./plan";
import { type ReadAccount, readAccounts } from "./readback";
import { computeScorecard, formatScorecard, type Scorecard } from "./scorecard";
import type { LabelledPlan } from "./types";

/** What a labelled run came to; `failed` lists why the run must not be trusted (exit 1). */
export interface LabelledReport {
  plan: LabelledPlan;
  delivery: Delivery;
  card: Scorecard | null;
  failed: string[];
}

interface Secrets {
  ingestApiKey?: string;
  adminApiKey?: string;
  playerTokenSecret?: string;
}

function readSecrets(dataDir: string): Secrets {
  try {
    return JSON.parse(readFileSync(join(dataDir, "secrets.json"), "utf8")) as Secrets;
  } catch {
    return {};
  }
}

/**
 * `loginguard simulate --labelled [--score]`: a seeded population and attacks over simulated
 * weeks that end at the present, sent in order, each login labelled legit or attack in the
 * simulator only. With `--score`, reads the decisions back through the public APIs, lets the
 * players answer their notices in game, and prints the scorecard. A login not delivered in time
 * fails the run loudly and is never scored.
 */
export async function runLabelled(options: SimulateOptions, io: SimulateIo): Promise<LabelledReport> {
  const receiver = await startGameServerReceiver({
    port: options.webhookPort,
    secret: options.webhookSecret ?? newWebhookSecret(),
  });
  await waitUntilReady(options.url, options.waitSeconds * 1000, io);
  const secrets = readSecrets(options.dataDir);
  const key = options.key ?? secrets.ingestApiKey;
  const adminKey = options.adminKey ?? secrets.adminApiKey;
  if (!key) throw new Error("no ingest key: pass --key or run where DATA_DIR/secrets.json is");
  const client = new InstanceClient(options.url, key, 32);
  const admin = new InstanceClient(options.url, adminKey, 16);
  try {
    const now = io.now?.() ?? Date.now();
    const ips = await scanPublicIps(labelledCountries(), options.geoipPath);
    const plan = buildLabelledPlan({
      runId: options.runId,
      seed: options.seed,
      players: options.players,
      weeks: options.weeks,
      attackShare: options.attackShare,
      now,
      ips,
    });
    const legit = plan.logins.filter((l) => l.label === "legit").length;
    io.out(
      `labelled run ${plan.runId}, seed ${plan.seed}: ${plan.players.length} players, ${plan.logins.length} logins ` +
        `(${legit} legit, ${plan.logins.length - legit} attack) over ${plan.weeks} simulated weeks ending now, ` +
        `${plan.attacks.length} attacks in the last 12 hours; sending at ${options.rate}/s in batches of ${options.batch}`,
    );
    const expectedMs = (plan.logins.length / options.rate) * 1000;
    const delivery = await deliverPlan(plan, {
      client,
      rate: options.rate,
      batch: options.batch,
      lanes: Math.min(options.concurrency, 8),
      lateMs: options.lateSeconds * 1000,
      deadline: Date.now() + 1.5 * expectedMs + 120_000,
      playerTokenSecret: secrets.playerTokenSecret ?? null,
      watchMs: 30_000,
      progress: (done, total) => io.err(`  ${done}/${total} logins sent`),
    });
    io.out(
      `sent in ${(delivery.elapsedMs / 1000).toFixed(1)} s (${Math.round(plan.logins.length / (delivery.elapsedMs / 1000))}/s achieved), ` +
        `${delivery.requests} requests, travel mode set by ${delivery.travelModesSet} players, ` +
        `stuffing flags waited for (ms, -1 never): ${delivery.flagWaits.join(" ") || "none"}`,
    );
    const failed: string[] = [];
    if (delivery.notAccepted.length > 0 || delivery.late.length > 0) {
      const attacks = [...delivery.notAccepted, ...delivery.late].filter((l) => l.label === "attack").length;
      failed.push(
        `${delivery.notAccepted.length} logins not accepted and ${delivery.late.length} accepted more than ${options.lateSeconds} s late ` +
          `(${attacks} of them attack logins): the instance or this machine did not keep ${options.rate}/s; lower --rate. ` +
          "They are counted apart, never as missed.",
      );
    }
    if (!(await drained(client, plan, options.settleSeconds * 1000))) {
      failed.push(
        `the pipeline did not reach the end of the run within ${options.settleSeconds} s (--settle)`,
      );
    }
    let card: Scorecard | null = null;
    if (options.score) {
      if (!adminKey)
        throw new Error("--score needs an admin key: --admin-key, ADMIN_API_KEYS or DATA_DIR/secrets.json");
      const ids = plan.players.map((p) => p.accountId);
      const accounts = await readAccounts(admin, ids, 8);
      const answers = await answerNotices(client, admin, plan, accounts, options.concurrency);
      const excludedIds = new Set([...delivery.notAccepted, ...delivery.late].map((l) => l.login.eventId));
      card = computeScorecard({
        plan,
        accounts,
        excludedIds,
        stopTimes: delivery.stopTimes,
        stoppedByAnswer: answers.stoppedByAnswer,
        answeredYes: answers.answeredYes,
      });
      card.excluded.notAccepted = delivery.notAccepted.length;
      card.excluded.late = delivery.late.length;
      io.out("");
      for (const line of formatScorecard(card)) io.out(line);
      const locked = card.legit.find((r) => r.kind === "all")?.lockedByFailures ?? 0;
      if (locked > 0) failed.push(`${locked} legitimate players locked by failed logins alone`);
    }
    if (options.historyOut) {
      writeFileSync(options.historyOut, `${JSON.stringify(labelsOf(plan))}\n`);
      io.out(`labels written to ${options.historyOut} (for loginguard rules replay --labels)`);
    }
    for (const f of failed) io.err(`RUN FAILED: ${f}`);
    return { plan, delivery, card, failed };
  } finally {
    client.close();
    admin.close();
    await receiver.close();
  }
}

/**
 * Waits until the pipeline has handled everything sent: sentinel accounts (spread over the
 * partitions by their keys) each sign in from Korea and then from Brazil at the very end; once
 * every one is locked, every partition of every stage is past the run's logins.
 */
async function drained(client: InstanceClient, plan: LabelledPlan, timeoutMs: number): Promise<boolean> {
  const now = Date.now();
  const sentinels = Array.from({ length: 16 }, (_, k) => `${plan.runId}-sentinel-${k}`);
  const events = sentinels.flatMap((accountId, k) => [
    {
      eventId: `${accountId}-kr`,
      accountId,
      occurredAt: new Date(now - 40 * 60_000).toISOString(),
      ip: "175.223.10.4",
      result: "success",
      sessionId: `sentinel-${k}-a`,
    },
    {
      eventId: `${accountId}-br`,
      accountId,
      occurredAt: new Date(now).toISOString(),
      ip: "200.147.0.1",
      result: "success",
      sessionId: `sentinel-${k}-b`,
    },
  ]);
  const answer = await client.send("POST", "/v1/logins", { events });
  if (answer.status !== 202) return false;
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(sentinels);
  while (pending.size > 0 && Date.now() < deadline) {
    for (const id of [...pending])
      if ((await client.status(id).catch(() => undefined))?.locked) pending.delete(id);
    if (pending.size > 0) await new Promise((r) => setTimeout(r, 500));
  }
  return pending.size === 0;
}

/**
 * The players answer in game, as the game server would send it: "yes" to every notice about
 * their own sign-ins, and a victim whose attack was only notified says "no" (then the account
 * must be locked: read back).
 */
async function answerNotices(
  client: InstanceClient,
  admin: InstanceClient,
  plan: LabelledPlan,
  accounts: ReadonlyMap<string, ReadAccount>,
  concurrency: number,
): Promise<{ answeredYes: Set<string>; stoppedByAnswer: Set<number> }> {
  const label = new Map(plan.logins.map((l) => [l.login.eventId, l]));
  const jobs: Array<{ accountId: string; loginEventId: string; answer: "yes" | "no"; attackId?: number }> =
    [];
  for (const account of accounts.values()) {
    for (const d of account.decisions) {
      const l = label.get(d.loginEventId);
      if (!l || !d.actions.includes("notify") || l.login.result !== "success") continue;
      if (l.label === "legit")
        jobs.push({ accountId: account.accountId, loginEventId: d.loginEventId, answer: "yes" });
    }
  }
  for (const a of plan.attacks) {
    const decisions =
      accounts.get(a.accountId)?.decisions.filter((d) => a.successIds.includes(d.loginEventId)) ?? [];
    const stopped = decisions.some((d) => d.actions.includes("lock") || d.actions.includes("block"));
    const notified = decisions.find((d) => d.actions.includes("notify"));
    if (!stopped && notified)
      jobs.push({
        accountId: a.accountId,
        loginEventId: notified.loginEventId,
        answer: "no",
        attackId: a.id,
      });
  }
  const answeredYes = new Set<string>();
  const deniedBy = new Map<string, number>();
  await forEachLimited(jobs, concurrency, async (j) => {
    const res = await client.send("POST", `/v1/accounts/${encodeURIComponent(j.accountId)}/answers`, {
      loginEventId: j.loginEventId,
      answer: j.answer,
    });
    if (res.status !== 200) return;
    if (j.answer === "yes") answeredYes.add(j.loginEventId);
    else if (j.attackId !== undefined) deniedBy.set(j.accountId, j.attackId);
  });
  const stoppedByAnswer = new Set<number>();
  const after = await readAccounts(admin, [...deniedBy.keys()], concurrency);
  for (const [accountId, attackId] of deniedBy)
    if (after.get(accountId)?.locked) stoppedByAnswer.add(attackId);
  return { answeredYes, stoppedByAnswer };
}

/** The ground truth of a run, for `rules replay --labels`: never sent to the instance. */
function labelsOf(plan: LabelledPlan) {
  return {
    runId: plan.runId,
    seed: plan.seed,
    from: new Date(plan.from).toISOString(),
    to: new Date(plan.to).toISOString(),
    weeks: plan.weeks,
    players: plan.players.map((p) => ({ accountId: p.accountId, kind: p.kind })),
    attacks: plan.attacks.map((a) => ({
      id: a.id,
      scenario: a.scenario,
      accountId: a.accountId,
      successIds: a.successIds,
    })),
    logins: plan.logins.map((l) => ({
      eventId: l.login.eventId,
      label: l.label,
      scenario: l.scenario,
      result: l.login.result,
    })),
  };
}
