import type { InstanceClient } from "../http-client";
import { forEachLimited } from "../verify";

/** One decision as the staff security view lists it. */
export interface ReadDecision {
  loginEventId: string;
  action: string | null;
  actions: string[];
  reasons: Array<{ code: string; mode: "enforce" | "shadow"; action: string }>;
}

/** What the public staff API says about one account after the run. */
export interface ReadAccount {
  accountId: string;
  locked: boolean;
  reason: string | null;
  decisions: ReadDecision[];
  answers: Array<{ loginEventId: string; answer: "yes" | "no" }>;
}

/**
 * Reads every account's decisions, state and answers back through the staff API
 * (`GET /v1/accounts/{id}/security` with an admin key), `concurrency` at a time.
 */
export async function readAccounts(
  client: InstanceClient,
  accountIds: readonly string[],
  concurrency: number,
): Promise<Map<string, ReadAccount>> {
  const out = new Map<string, ReadAccount>();
  const failures: string[] = [];
  await forEachLimited(accountIds, concurrency, async (accountId) => {
    const answer = await client.send("GET", `/v1/accounts/${encodeURIComponent(accountId)}/security?lang=en`);
    if (answer.status !== 200) {
      failures.push(`${accountId}: HTTP ${answer.status}`);
      return;
    }
    const body = JSON.parse(answer.body) as {
      state: { locked: boolean; reason: string | null };
      decisions: ReadDecision[];
      answers?: ReadAccount["answers"];
    };
    out.set(accountId, {
      accountId,
      locked: body.state.locked,
      reason: body.state.reason,
      decisions: body.decisions,
      answers: body.answers ?? [],
    });
  });
  if (failures.length > 0) {
    throw new Error(
      `reading ${failures.length} accounts back failed, e.g. ${failures.slice(0, 3).join("; ")}`,
    );
  }
  return out;
}
