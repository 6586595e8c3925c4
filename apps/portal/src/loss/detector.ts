import type { CommittedOffsets } from "@loginguard/bus";
import { describeError } from "@loginguard/errors";
import { TOPICS } from "@loginguard/events";
import { type Logger, metrics } from "@loginguard/observability";
import { WATCHED } from "./watch-stage";
import type { StuckLogin, WatchStore } from "./watch-store";

/** The group whose commits on `login.recorded` mean "handled" (decided, or nothing to do). */
const DECIDING_GROUP = "account-security";

export interface LossDetectorOptions {
  store: WatchStore;
  committedOffsets: CommittedOffsets;
  deadlineMs: number;
  intervalMs: number;
  logger: Logger;
  clock?: () => Date;
}

/**
 * The loss detector's sweep (docs/ARCHITECTURE.md section 9): ends the watch of logins that
 * account-security handled with nothing to do (its group committed past them), then reports every
 * login accepted longer ago than the deadline that is still watched, with the last stage that saw
 * it: `loginguard_stuck_logins{stage}`, a log line per login (once), and `stuck()` for the console.
 * When the held stage comes back, the logins move on and the report clears.
 */
export class LossDetector {
  private timer: NodeJS.Timeout | undefined;
  private readonly clock: () => Date;

  constructor(private readonly options: LossDetectorOptions) {
    this.clock = options.clock ?? (() => new Date());
    for (const w of WATCHED) metrics.stuckLogins.set({ stage: w.stage }, 0);
  }

  start(): void {
    this.timer ??= setInterval(() => void this.sweep().catch(() => undefined), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One sweep; the timer calls it, tests too. Returns the stuck count per stage. */
  async sweep(): Promise<Map<string, number>> {
    const { store, logger } = this.options;
    try {
      const committed = await this.options.committedOffsets(DECIDING_GROUP, TOPICS.loginRecorded);
      for (const [partition, offset] of committed.entries()) {
        if (offset !== null && offset > 0) await store.settleHandled(partition, offset);
      }
      const now = this.clock();
      const before = new Date(now.getTime() - this.options.deadlineMs);
      const byStage = await store.stuckByStage(before);
      for (const w of WATCHED) metrics.stuckLogins.set({ stage: w.stage }, byStage.get(w.stage) ?? 0);
      for (const login of await store.markReported(before, now)) {
        metrics.stuckLoginsReported.inc({ stage: login.lastStage });
        logger.warn(
          {
            correlationId: login.loginId,
            accountId: login.accountId,
            lastStage: login.lastStage,
            acceptedAt: login.acceptedAt.toISOString(),
          },
          "login stuck: no decision and no nothing-to-do past the deadline",
        );
      }
      return byStage;
    } catch (err) {
      logger.warn({ err: describeError(err) }, "loss detector sweep failed; will try again");
      throw err;
    }
  }

  /** The stuck logins now, oldest first, for the console's panel. */
  async stuck(limit = 50): Promise<{ deadlineSeconds: number; total: number; logins: StuckLogin[] }> {
    const before = new Date(this.clock().getTime() - this.options.deadlineMs);
    const [logins, byStage] = await Promise.all([
      this.options.store.stuck(before, limit),
      this.options.store.stuckByStage(before),
    ]);
    const total = [...byStage.values()].reduce((a, b) => a + b, 0);
    return { deadlineSeconds: this.options.deadlineMs / 1000, total, logins };
  }
}
