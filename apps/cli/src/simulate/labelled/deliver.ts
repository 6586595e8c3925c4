import { mintPlayerToken } from "@loginguard/auth";
import type { InstanceClient } from "../http-client";
import type { LabelledLogin, LabelledPlan } from "./types";

/** What happened to each planned login on the way in. */
export interface Delivery {
  /** Wall-clock ms when the instance answered 202 for the login's batch, per eventId. */
  acceptedAt: Map<string, number>;
  /** Logins the instance did not accept (after retries, or the deadline passed). */
  notAccepted: LabelledLogin[];
  /** Logins accepted later than `lateMs` after their scheduled time (the rate was not kept). */
  late: LabelledLogin[];
  /** Per attack: ms from the attacker's first success being accepted to the lock (or block) being visible in the status API; null: not seen within the watch. */
  stopTimes: Map<number, number | null>;
  elapsedMs: number;
  requests: number;
  travelModesSet: number;
}

export interface DeliverOptions {
  client: InstanceClient;
  /** Logins per second (the schedule). */
  rate: number;
  /** Logins per POST /v1/logins. */
  batch: number;
  /** A login accepted more than this after its scheduled time is late. */
  lateMs: number;
  /** Nothing is sent after this epoch ms. */
  deadline: number;
  /** To turn travel mode on as the player would (embedded: from DATA_DIR/secrets.json); null: skipped. */
  playerTokenSecret: string | null;
  /** How long the status API is watched for each attack's lock. */
  watchMs: number;
  progress?: (done: number, total: number) => void;
}

const RETRIES = 4;

/**
 * Sends the plan in `occurredAt` order, one batch at a time (so every account's logins, and the
 * attack that follows a stuffing run, arrive in order), on a schedule of `rate` logins per
 * second. A success after a stuffing run waits (bounded) for the address to be flagged, as the
 * attacker's tool would wait for its next proxy. After each attack's first successful login is
 * accepted, the account's status is watched until it shows the lock or the country's block.
 */
export async function deliverPlan(plan: LabelledPlan, o: DeliverOptions): Promise<Delivery> {
  const d: Delivery = {
    acceptedAt: new Map(),
    notAccepted: [],
    late: [],
    stopTimes: new Map(),
    elapsedMs: 0,
    requests: 0,
    travelModesSet: 0,
  };
  const attacksById = new Map(plan.attacks.map((a) => [a.id, a]));
  const watchers: Promise<void>[] = [];
  const started = Date.now();
  const due = (i: number) => started + (i * 1000) / o.rate;
  const lastProgress = { at: started };
  let batch: Array<{ item: LabelledLogin; index: number }> = [];

  const flush = async () => {
    if (batch.length === 0) return;
    const items = batch;
    batch = [];
    const wait = due(items[items.length - 1]!.index) - Date.now();
    if (wait > 0) await sleep(wait);
    const accepted = await postBatch(
      o,
      d,
      items.map((x) => x.item),
    );
    const now = Date.now();
    for (const { item, index } of items) {
      if (!accepted) {
        d.notAccepted.push(item);
        continue;
      }
      d.acceptedAt.set(item.login.eventId, now);
      if (now - due(index) > o.lateMs) d.late.push(item);
      if (item.attackSuccess && item.attackId !== undefined) {
        const attack = attacksById.get(item.attackId)!;
        watchers.push(
          watchStop(o, attack.accountId, attack.country, now).then(
            (ms) => void d.stopTimes.set(attack.id, ms),
          ),
        );
      }
    }
    if (now - lastProgress.at > 5000) {
      lastProgress.at = now;
      o.progress?.(items[items.length - 1]!.index + 1, plan.logins.length);
    }
  };

  for (let index = 0; index < plan.logins.length; index++) {
    const item = plan.logins[index]!;
    if (Date.now() > o.deadline) {
      d.notAccepted.push(item);
      continue;
    }
    if (item.awaitFlaggedIp || item.travelMode) {
      await flush();
      if (item.awaitFlaggedIp) await waitForFlag(o, item.login.accountId, item.awaitFlaggedIp);
      if (item.travelMode && o.playerTokenSecret) {
        if (await setTravelMode(o, item.login.accountId, item.travelMode, o.playerTokenSecret))
          d.travelModesSet++;
      }
    }
    batch.push({ item, index });
    if (batch.length >= o.batch) await flush();
  }
  await flush();
  await Promise.all(watchers);
  d.elapsedMs = Date.now() - started;
  return d;
}

async function postBatch(o: DeliverOptions, d: Delivery, items: LabelledLogin[]): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    let status = 0;
    try {
      const answer = await o.client.send("POST", "/v1/logins", { events: items.map((i) => i.login) });
      d.requests++;
      status = answer.status;
      if (status === 202) return true;
    } catch {
      d.requests++;
    }
    const retryable = status === 0 || status === 429 || status === 503;
    if (!retryable || attempt >= RETRIES || Date.now() > o.deadline) return false;
    await sleep(200 * 2 ** attempt);
  }
}

/** Polls the status API as a login server would, until the account is locked or the country blocked. */
async function watchStop(
  o: DeliverOptions,
  accountId: string,
  country: string,
  acceptedAt: number,
): Promise<number | null> {
  let interval = 50;
  while (Date.now() - acceptedAt < o.watchMs) {
    const status = await o.client.status(accountId).catch(() => undefined);
    if (status?.locked || status?.blockedCountries?.includes(country)) return Date.now() - acceptedAt;
    await sleep(interval);
    interval = Math.min(500, interval * 1.5);
  }
  return null;
}

async function waitForFlag(o: DeliverOptions, accountId: string, ip: string): Promise<void> {
  const until = Math.min(o.deadline, Date.now() + 20_000);
  while (Date.now() < until) {
    if ((await o.client.status(accountId, ip).catch(() => undefined))?.ipFlagged) return;
    await sleep(100);
  }
}

/** PUT /v1/me/settings with travel mode on for `country` until tomorrow, as the player's page does. */
async function setTravelMode(
  o: DeliverOptions,
  accountId: string,
  country: string,
  secret: string,
): Promise<boolean> {
  const token = await mintPlayerToken(accountId, secret, 300);
  const until = new Date(Date.now() + 2 * 86_400_000).toISOString();
  const answer = await o.client
    .send("PUT", "/v1/me/settings", { allowedCountries: [], travel: { country, until } }, token)
    .catch(() => undefined);
  return answer?.status === 200;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
