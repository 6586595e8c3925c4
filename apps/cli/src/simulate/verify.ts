import type { AccountStatus, InstanceClient } from "./http-client";
import type { Plan, ScenarioCase } from "./plan";
import type { GameServerReceiver, ReceivedWebhook } from "./webhook-receiver";

/** What was seen for one scenario case at the end of the run. */
export interface CaseVerdict {
  case: ScenarioCase;
  /** Undefined when the status call failed. */
  status: AccountStatus | undefined;
  /** A verified `player.kick` naming the case's session arrived. */
  kicked: boolean;
  /** A verified `account.locked` for the account arrived. */
  lockWebhook: boolean;
  met: boolean;
}

export interface Verification {
  cases: CaseVerdict[];
  /** Players no scenario should lock that are locked. */
  unexpectedlyLocked: string[];
  /** Players whose status could not be read. */
  statusErrors: number;
  flaggedIps: Array<{ ip: string; country: string; accounts: number; flagged: boolean | undefined }>;
  /** Whether webhooks are part of the verdict (some arrived, so the instance sends them). */
  webhooksChecked: boolean;
  settledMs: number;
}

/** Whether a webhook's data names the account (and, for a kick, the session). */
function mentions(webhook: ReceivedWebhook, accountId: string, sessionId?: string): boolean {
  return (
    webhook.data.accountId === accountId && (sessionId === undefined || webhook.data.sessionId === sessionId)
  );
}

/**
 * Checks over HTTP what the run should have led to. Waits up to `settleMs` for every account
 * expected locked to be locked (and, when the instance sends webhooks here, for its
 * `player.kick` and `account.locked`), then reads every other player's status once (none may
 * be locked) and whether each stuffing address is flagged.
 */
export async function verifyOutcome(options: {
  plan: Plan;
  client: InstanceClient;
  receiver: GameServerReceiver;
  settleMs: number;
  concurrency: number;
}): Promise<Verification> {
  const { plan, client, receiver } = options;
  const started = Date.now();
  const statuses = new Map<string, AccountStatus | undefined>();
  const expectLocked = plan.cases.filter((c) => c.locked);
  const kicked = (c: ScenarioCase) =>
    receiver.received().some((w) => w.type === "player.kick" && mentions(w, c.accountId, c.kickSession));
  const lockWebhook = (c: ScenarioCase) =>
    receiver.received().some((w) => w.type === "account.locked" && mentions(w, c.accountId));
  // Webhooks count once any arrived (the instance was started with this receiver's URL).
  const webhooksOn = () => receiver.received().length > 0 || receiver.signatureFailures().length > 0;
  const settled = (c: ScenarioCase) =>
    statuses.get(c.accountId)?.locked === true && (!webhooksOn() || (kicked(c) && lockWebhook(c)));

  for (;;) {
    const pending = expectLocked.filter((c) => !settled(c));
    await forEachLimited(pending, options.concurrency, async (c) => {
      statuses.set(c.accountId, await client.status(c.accountId).catch(() => undefined));
    });
    if (expectLocked.every(settled) || Date.now() - started >= options.settleMs) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const settledMs = Date.now() - started;

  const others = plan.players.map((p) => p.accountId).filter((id) => !statuses.has(id));
  await forEachLimited(others, options.concurrency, async (id) => {
    statuses.set(id, await client.status(id).catch(() => undefined));
  });
  const webhooksChecked = webhooksOn();
  const cases = plan.cases.map((c): CaseVerdict => {
    const status = statuses.get(c.accountId);
    const isKicked = kicked(c);
    const hasLockWebhook = lockWebhook(c);
    const lockMatches = status !== undefined && status.locked === c.locked;
    const webhooksMatch = !webhooksChecked || !c.locked || (isKicked && hasLockWebhook);
    return {
      case: c,
      status,
      kicked: isKicked,
      lockWebhook: hasLockWebhook,
      met: lockMatches && webhooksMatch,
    };
  });
  const lockedOnPurpose = new Set(expectLocked.map((c) => c.accountId));
  const unexpectedlyLocked = plan.players
    .map((p) => p.accountId)
    .filter((id) => statuses.get(id)?.locked === true && !lockedOnPurpose.has(id));
  const flaggedIps = await Promise.all(
    plan.flaggedIps.map(async (f) => {
      const probe = plan.players[0]?.accountId ?? "simulate-probe";
      const status = await client.status(probe, f.ip).catch(() => undefined);
      return { ...f, flagged: status?.ipFlagged };
    }),
  );
  return {
    cases,
    unexpectedlyLocked,
    statusErrors: [...statuses.values()].filter((s) => s === undefined).length,
    flaggedIps,
    webhooksChecked,
    settledMs,
  };
}

/** Runs `fn` over `items`, at most `limit` at a time. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}
