import { retryability } from "@loginguard/errors";
import { metrics, zeroCounter } from "@loginguard/observability";
import type { DeliveryRecord, DeliveryStore } from "../store";
import type { DeliveryChannel, DeliveryResult } from "../types";

/**
 * The side effects of one input event, backed by the deliveries table. A recorded `delivered`
 * is final: a redelivered event reuses it and sends nothing. Skipped and failed ones are tried
 * again (that costs nothing, or retries what a provider rejected, e.g. on a dead-letter replay).
 */
export class DeliveryLog {
  private constructor(
    private readonly store: DeliveryStore,
    readonly sourceId: string,
    readonly accountId: string,
    private readonly recorded: DeliveryRecord[],
  ) {}

  static async open(store: DeliveryStore, sourceId: string, accountId: string): Promise<DeliveryLog> {
    return new DeliveryLog(store, sourceId, accountId, await store.forSource(sourceId));
  }

  /** The recorded deliveries of `kind`, if one of them was delivered. */
  deliveredOf(kind: string): DeliveryResult[] | undefined {
    const rows = this.recorded.filter((r) => r.kind === kind);
    return rows.some((r) => r.outcome === "delivered") ? rows.map(toResult) : undefined;
  }

  /**
   * The result of one side effect: the recorded one when delivered, else `attempt()`'s, recorded.
   * `attempt` answers skipped/failed/delivered and throws only what should be retried.
   */
  async once(
    channel: DeliveryChannel,
    kind: string,
    attempt: () => Promise<Omit<DeliveryResult, "channel" | "kind">>,
  ): Promise<DeliveryResult> {
    const done = this.recorded.find(
      (r) => r.channel === channel && r.kind === kind && r.outcome === "delivered",
    );
    if (done) return toResult(done);
    const result: DeliveryResult = { channel, kind, ...(await attempt()) };
    await this.store.record(this.sourceId, this.accountId, result);
    metrics.notifications.inc({ channel, outcome: result.outcome });
    return result;
  }
}

const CHANNELS: readonly DeliveryChannel[] = ["email", "sms", "in_game", "webhook"];
const OUTCOMES: readonly DeliveryResult["outcome"][] = ["delivered", "failed", "skipped"];

/** Every channel and outcome of `loginguard_notifications_total` at zero, from the start. */
export function registerNotificationSeries(): void {
  for (const channel of CHANNELS)
    for (const outcome of OUTCOMES) zeroCounter(metrics.notifications, { channel, outcome });
}

function toResult(r: DeliveryRecord): DeliveryResult {
  return { channel: r.channel, kind: r.kind, outcome: r.outcome, providerId: r.providerId, detail: r.detail };
}

/** `attempt` for a provider call: delivered, or failed when the provider rejected it for good. */
export async function sentOrRejected(
  send: () => Promise<{ providerId: string; detail: string | null }>,
): Promise<Omit<DeliveryResult, "channel" | "kind">> {
  try {
    const sent = await send();
    return { outcome: "delivered", providerId: sent.providerId, detail: sent.detail };
  } catch (err) {
    if (retryability(err) === false) {
      return { outcome: "failed", providerId: null, detail: (err as Error).message.slice(0, 500) };
    }
    throw err;
  }
}

export const skipped = (detail: string): Omit<DeliveryResult, "channel" | "kind"> => ({
  outcome: "skipped",
  providerId: null,
  detail,
});
