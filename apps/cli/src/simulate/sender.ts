import type { InstanceClient } from "./http-client";
import type { PlannedLogin } from "./plan";
import { hashText } from "./random";
import { Tally } from "./stats";

/** What sending the logins came to. */
export interface SendResult {
  /** Logins the instance answered 202 for (`accepted` summed). */
  accepted: number;
  /** Logins given up on (refused, or the run's time bound was reached first). */
  notAccepted: PlannedLogin[];
  requests: number;
  /** Every answer's status, retries included; 0 counts requests that got no answer. */
  statusCodes: Tally<number>;
  /** Milliseconds per POST /v1/logins, retries included. */
  latencies: number[];
  elapsedMs: number;
  /** Stuffing successes that waited for the instance to flag their address. */
  flagWaits: Array<{ ip: string; flagged: boolean; waitedMs: number }>;
}

export interface SendOptions {
  client: InstanceClient;
  /** Logins per second. */
  rate: number;
  /** Lanes: requests in flight at once. An account always goes through the same lane. */
  concurrency: number;
  /** Epoch ms after which nothing more is sent. */
  deadline: number;
  /** Longest wait for an address to be flagged before its login goes anyway. */
  flagWaitMs?: number;
  /** Called every five seconds with the logins answered so far. */
  progress?: (done: number, total: number) => void;
}

const RETRIES = 4;

/**
 * Sends the logins one per request, in plan order, at `rate` per second, as game login
 * servers report attempts as they happen. Each account's logins go through one lane, one
 * request at a time, so they reach the event log in order; a 429 or 503 is retried after a
 * pause with the same eventId (the instance accepts an eventId once).
 */
export async function sendLogins(logins: readonly PlannedLogin[], options: SendOptions): Promise<SendResult> {
  const result: SendResult = {
    accepted: 0,
    notAccepted: [],
    requests: 0,
    statusCodes: new Tally(),
    latencies: [],
    elapsedMs: 0,
    flagWaits: [],
  };
  const lanes: PlannedLogin[][] = Array.from({ length: options.concurrency }, () => []);
  const wake: Array<(() => void) | undefined> = [];
  let dispatched = 0;
  let done = 0;
  let finished = false;
  const started = Date.now();
  const progressTimer = setInterval(() => options.progress?.(done, logins.length), 5000);

  const runLane = async (lane: number) => {
    for (;;) {
      const next = lanes[lane]!.shift();
      if (!next) {
        if (finished) return;
        await new Promise<void>((resolve) => {
          wake[lane] = resolve;
        });
        continue;
      }
      if (Date.now() > options.deadline) result.notAccepted.push(next);
      else await sendOne(next, options, result);
      done++;
    }
  };
  const workers = lanes.map((_, i) => runLane(i));

  for (const planned of logins) {
    const due = started + (dispatched * 1000) / options.rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // Bounded queues: when the instance falls behind, the schedule waits for it.
    while (dispatched - done > options.concurrency * 64) await new Promise((r) => setTimeout(r, 5));
    const lane = hashText(planned.login.accountId) % lanes.length;
    lanes[lane]!.push(planned);
    dispatched++;
    wake[lane]?.();
    wake[lane] = undefined;
  }
  finished = true;
  for (const w of wake) w?.();
  await Promise.all(workers);
  clearInterval(progressTimer);
  result.elapsedMs = Date.now() - started;
  return result;
}

async function sendOne(planned: PlannedLogin, options: SendOptions, result: SendResult): Promise<void> {
  if (planned.awaitFlaggedIp) await waitForFlag(planned, options, result);
  for (let attempt = 0; ; attempt++) {
    let status = 0;
    let retryAfterMs = 0;
    try {
      const answer = await options.client.send("POST", "/v1/logins", planned.login);
      result.requests++;
      result.latencies.push(answer.ms);
      status = answer.status;
      if (status === 202) {
        result.statusCodes.add(status);
        result.accepted += (JSON.parse(answer.body) as { accepted: number }).accepted;
        return;
      }
      const header = Number(answer.headers["retry-after"]);
      if (Number.isFinite(header)) retryAfterMs = header * 1000;
    } catch {
      result.requests++;
    }
    result.statusCodes.add(status);
    const retryable = status === 0 || status === 429 || status === 503;
    if (!retryable || attempt >= RETRIES || Date.now() > options.deadline) {
      result.notAccepted.push(planned);
      return;
    }
    await new Promise((r) => setTimeout(r, Math.min(5000, Math.max(retryAfterMs, 200 * 2 ** attempt))));
  }
}

/** Polls the status API (as a login server would at login time) until the address is flagged. */
async function waitForFlag(planned: PlannedLogin, options: SendOptions, result: SendResult): Promise<void> {
  const ip = planned.awaitFlaggedIp!;
  const started = Date.now();
  const until = Math.min(options.deadline, started + (options.flagWaitMs ?? 20_000));
  let flagged = false;
  while (!flagged && Date.now() < until) {
    flagged =
      (await options.client.status(planned.login.accountId, ip).catch(() => undefined))?.ipFlagged === true;
    if (!flagged) await new Promise((r) => setTimeout(r, 250));
  }
  result.flagWaits.push({ ip, flagged, waitedMs: Date.now() - started });
}
