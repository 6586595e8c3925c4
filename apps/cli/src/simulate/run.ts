import { ATTACKER_ORIGINS, COUNTRIES } from "./countries";
import { InstanceClient } from "./http-client";
import { scanPublicIps } from "./ip-pool";
import { readStoredIngestKey, type SimulateOptions } from "./options";
import { buildPlan, type Plan } from "./plan";
import { sendLogins } from "./sender";
import { describeWebhook, formatReport, problemsOf, type SimulationReport } from "./summary";
import { forEachLimited, verifyOutcome } from "./verify";
import { type GameServerReceiver, startGameServerReceiver } from "./webhook-receiver";
import { newWebhookSecret } from "./webhook-signature";

/** Where the run writes its lines. */
export interface SimulateIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Epoch ms; tests may pin it. */
  now?: () => number;
  /** Print every webhook as it arrives. Default true. */
  printWebhooks?: boolean;
}

/**
 * A whole simulation: starts the game server's webhook receiver, prints how to point the
 * product at it, waits for the instance, registers contacts, sends the planned traffic, waits
 * for the outcome, and prints the summary. Resolves with the report; rejects only when the run
 * could not start (no instance, no key, the webhook port taken).
 */
export async function runSimulation(options: SimulateOptions, io: SimulateIo): Promise<SimulationReport> {
  const now = io.now ?? Date.now;
  const secret = options.webhookSecret ?? newWebhookSecret();
  const receiver = await startGameServerReceiver({
    port: options.webhookPort,
    secret,
    onWebhook: (w) => {
      if (io.printWebhooks !== false) io.out(describeWebhook(w));
    },
  });
  try {
    io.out(`game server webhook receiver on ${receiver.url} (Standard Webhooks, signatures verified)`);
    io.out(
      options.webhookSecret
        ? "the product must sign with the same GAME_WEBHOOK_SECRET; start it with:"
        : "generated a signing secret for this run; start (or restart) the product with:",
    );
    io.out(`  GAME_WEBHOOK_URL=${receiver.url} GAME_WEBHOOK_SECRET=${secret} npm start`);
    io.out("");

    await waitUntilReady(options.url, options.waitSeconds * 1000, io);
    const key = options.key ?? readStoredIngestKey(options.dataDir);
    if (!key) {
      throw new Error(
        `no ingest key: pass --key, set INGEST_API_KEYS, or run where ${options.dataDir}/secrets.json is (DATA_DIR)`,
      );
    }
    const client = new InstanceClient(options.url, key, options.concurrency + 4);
    const contacts =
      options.contactsUrl === options.url
        ? client
        : new InstanceClient(options.contactsUrl, key, options.concurrency);
    try {
      return await simulateWith(options, io, { client, contacts }, receiver, now());
    } finally {
      client.close();
      contacts.close();
    }
  } finally {
    await receiver.close();
  }
}

async function simulateWith(
  options: SimulateOptions,
  io: SimulateIo,
  { client, contacts }: { client: InstanceClient; contacts: InstanceClient },
  receiver: GameServerReceiver,
  startedAt: number,
): Promise<SimulationReport> {
  const ips = await scanPublicIps(
    [...new Set([...COUNTRIES.map((c) => c.code), ...ATTACKER_ORIGINS])],
    options.geoipPath,
  );
  const plan = buildPlan({
    runId: options.runId,
    players: options.players,
    logins: options.logins,
    seed: options.seed,
    now: startedAt,
    mix: options.mix,
    ips,
  });
  io.out(
    `run ${plan.runId}, seed ${options.seed}: ${plan.players.length} players, ${plan.logins.length} logins at ${options.rate}/s ` +
      `(travel ${plan.counts.travel.instances}, takeover ${plan.counts.takeover.instances}, ` +
      `failure bursts ${plan.counts.failure_burst.instances}, credential stuffing ${plan.counts.credential_stuffing.instances})`,
  );
  await registerContacts(plan, contacts, options.concurrency);

  const expectedMs = (plan.logins.length / options.rate) * 1000;
  const send = await sendLogins(plan.logins, {
    client,
    rate: options.rate,
    concurrency: options.concurrency,
    // Bounded: twice the planned time plus a minute, whatever the instance does.
    deadline: Date.now() + 2 * expectedMs + 60_000,
    progress: (done, total) => {
      if (done < total) io.err(`  ${done}/${total} logins sent`);
    },
  });
  io.out(`sent ${plan.logins.length} logins; waiting up to ${options.settleSeconds} s for the outcome`);
  const verification = await verifyOutcome({
    plan,
    client,
    receiver,
    settleMs: options.settleSeconds * 1000,
    concurrency: options.concurrency,
  });
  const webhooks = {
    received: receiver.received(),
    signatureFailures: receiver.signatureFailures(),
    repeats: receiver.repeats(),
  };
  const report: SimulationReport = {
    url: options.url,
    seed: options.seed,
    plan,
    send,
    verification,
    webhooks,
    problems: problemsOf(plan, send, verification, webhooks.signatureFailures),
  };
  for (const line of formatReport(report)) io.out(line);
  return report;
}

/** `PUT /v1/accounts/{id}/contact` for every player, so notifications have somewhere to go. */
async function registerContacts(plan: Plan, client: InstanceClient, concurrency: number): Promise<void> {
  let refused: number | undefined;
  await forEachLimited(plan.players, concurrency, async (p) => {
    if (refused !== undefined) return;
    const answer = await client.send("PUT", `/v1/accounts/${encodeURIComponent(p.accountId)}/contact`, {
      email: p.email,
      ...(p.phone ? { phone: p.phone } : {}),
      language: p.language,
    });
    if (answer.status !== 200) refused = answer.status;
  });
  if (refused === 401) throw new Error("the instance refused the ingest key (401)");
  if (refused !== undefined) throw new Error(`registering contacts failed: HTTP ${refused}`);
}

/** Polls `/readyz` until it answers 200, printing once that it waits. */
export async function waitUntilReady(url: string, timeoutMs: number, io: SimulateIo): Promise<void> {
  const client = new InstanceClient(url, undefined, 1, 5_000);
  const deadline = Date.now() + timeoutMs;
  let told = false;
  let last = "";
  try {
    for (;;) {
      try {
        const answer = await client.send("GET", "/readyz");
        if (answer.status === 200) return;
        last = `HTTP ${answer.status}`;
      } catch (err) {
        last = (err as { code?: string }).code ?? ((err as Error).message || String(err));
      }
      if (Date.now() >= deadline) {
        throw new Error(
          `${url} is not ready after ${Math.round(timeoutMs / 1000)} s (${last}); is loginguard running?`,
        );
      }
      if (!told) {
        io.out(`waiting for ${url}/readyz ...`);
        told = true;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    client.close();
  }
}
