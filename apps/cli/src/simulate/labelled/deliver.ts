import { mintPlayerToken } from "@loginguard/auth";
import type { InstanceClient } from "../http-client";
import { hashText } from "../random";
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
  /** Milliseconds each stuffing success waited for its address to be flagged (-1: never flagged). */
  flagWaits: number[];
}

export interface DeliverOptions {
  client: InstanceClient;
  /** Logins per second (the schedule). */
  rate: number;
  /** Logins per POST /v1/logins. */
  batch: number;
  /** Requests in flight at once; an account always goes through the same lane, so its logins stay in order. */
  lanes: number;
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
 * Sends the plan in `occurredAt` order on a schedule of `rate` logins per second, in batches
 * over `lanes` (an account always on one lane, so its logins arrive in order). A success after a stuffing run waits (bounded) for the address to be flagged, as the
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
    flagWaits: [],
  };
  const attacksById = new Map(plan.attacks.map((a) => [a.id, a]));
  const watchers: Promise<void>[] = [];
  const started = Date.now();
  // Waits the scenario itself asks for (a flag, travel mode) move the schedule, not lateness.
  let shift = 0;
  const due = (i: number) => started + shift + (i * 1000) / o.rate;
  let lastProgress = started;
  type Item = { item: LabelledLogin; index: number; dueAt: number };
  type Lane = { batch: Item[]; busy: Promise<void> | null };
  const lanes: Lane[] = Array.from({ length: o.lanes }, () => ({ batch: [], busy: null }));

  const send = async (items: Item[]) => {
    // Travel mode goes on before the trip's first login, in the player's own lane (in order).
    for (const { item } of items) {
      if (item.travelMode && o.playerTokenSecret) {
        if (await setTravelMode(o, item.login.accountId, item.travelMode, o.playerTokenSecret))
          d.travelModesSet++;
      }
    }
    const accepted = await postBatch(
      o,
      d,
      items.map((x) => x.item),
    );
    const now = Date.now();
    for (const { item, dueAt } of items) {
      if (!accepted) {
        d.notAccepted.push(item);
        continue;
      }
      d.acceptedAt.set(item.login.eventId, now);
      if (now - dueAt > o.lateMs) d.late.push(item);
      if (item.attackSuccess && item.attackId !== undefined) {
        const attack = attacksById.get(item.attackId)!;
        watchers.push(
          watchStop(o, attack.accountId, attack.country, now).then(
            (ms) => void d.stopTimes.set(attack.id, ms),
          ),
        );
      }
    }
  };
  // One request in flight per lane; what arrives meanwhile goes in the next one (up to `batch`).
  const flushLane = (lane: Lane) => {
    if (lane.busy || lane.batch.length === 0) return;
    const items = lane.batch.splice(0, o.batch);
    lane.busy = send(items).then(() => {
      lane.busy = null;
      flushLane(lane);
    });
  };
  const drain = async () => {
    for (const lane of lanes) flushLane(lane);
    while (lanes.some((l) => l.busy || l.batch.length > 0)) {
      await Promise.all(lanes.map((l) => l.busy));
      for (const lane of lanes) flushLane(lane);
    }
  };
  const ticker = setInterval(() => {
    for (const lane of lanes) flushLane(lane);
  }, 100);

  try {
    for (let index = 0; index < plan.logins.length; index++) {
      const item = plan.logins[index]!;
      if (Date.now() > o.deadline) {
        d.notAccepted.push(item);
        continue;
      }
      if (item.awaitFlaggedIp || item.travelMode) {
        const before = Date.now();
        await drain();
        if (item.awaitFlaggedIp) {
          const flagged = await waitForFlag(o, item.login.accountId, item.awaitFlaggedIp);
          d.flagWaits.push(flagged ? Date.now() - before : -1);
        }
        if (item.travelMode && o.playerTokenSecret) {
          if (await setTravelMode(o, item.login.accountId, item.travelMode, o.playerTokenSecret))
            d.travelModesSet++;
        }
        shift += Date.now() - before;
      }
      const dueAt = due(index);
      const wait = dueAt - Date.now();
      if (wait > 0) await sleep(wait);
      // Bounded: when the instance falls behind, the schedule waits for it (and lateness shows it).
      while (lanes.some((l) => l.batch.length >= o.batch * 4)) await sleep(5);
      const lane = lanes[hashText(item.login.accountId) % lanes.length]!;
      lane.batch.push({ item, index, dueAt });
      flushLane(lane);
      if (Date.now() - lastProgress > 5000) {
        lastProgress = Date.now();
        o.progress?.(index + 1, plan.logins.length);
      }
    }
    await drain();
  } finally {
    clearInterval(ticker);
  }
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

async function waitForFlag(o: DeliverOptions, accountId: string, ip: string): Promise<boolean> {
  const until = Math.min(o.deadline, Date.now() + 20_000);
  while (Date.now() < until) {
    if ((await o.client.status(accountId, ip).catch(() => undefined))?.ipFlagged) return true;
    await sleep(100);
  }
  return false;
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
