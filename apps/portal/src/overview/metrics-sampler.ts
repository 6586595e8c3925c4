import { metrics } from "@loginguard/observability";

/** One reading of the process's counters. */
interface Sample {
  at: number;
  logins: number;
}

/** Topic whose consumption counts logins: every accepted login passes the logger once, located. */
export const LOGINS_TOPIC = "login.located";

/** Reads a counter's values as `{ labels, value }` pairs. */
async function valuesOf(counter: {
  get(): Promise<{ values: Array<{ value: number; labels: Record<string, string | number | undefined> }> }>;
}) {
  return (await counter.get()).values;
}

/** Logins consumed so far in this process: the busiest consumer of `login.located`. */
export async function loginsConsumed(): Promise<number> {
  const byStage = new Map<string, number>();
  for (const v of await valuesOf(metrics.stageRecordsIn)) {
    if (v.labels.topic !== LOGINS_TOPIC) continue;
    const stage = String(v.labels.stage);
    byStage.set(stage, (byStage.get(stage) ?? 0) + v.value);
  }
  return Math.max(0, ...byStage.values());
}

/** Records dead-lettered since this process started, per source topic. */
export async function deadLettersByTopic(): Promise<Array<{ topic: string; count: number }>> {
  const byTopic = new Map<string, number>();
  for (const v of await valuesOf(metrics.stageDeadLettered)) {
    const topic = String(v.labels.topic);
    byTopic.set(topic, (byTopic.get(topic) ?? 0) + v.value);
  }
  return [...byTopic].map(([topic, count]) => ({ topic, count })).sort((a, b) => b.count - a.count);
}

/** Notifications since this process started, per channel and outcome. */
export async function notificationCounts(): Promise<
  Array<{ channel: string; outcome: string; count: number }>
> {
  return (await valuesOf(metrics.notifications)).map((v) => ({
    channel: String(v.labels.channel),
    outcome: String(v.labels.outcome),
    count: v.value,
  }));
}

/**
 * Samples the login counter every few seconds and keeps 16 minutes of readings, so the overview
 * can show logins per minute now and for each of the last 15 minutes without Prometheus.
 */
export class LoginRateSampler {
  private samples: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly read: () => Promise<number> = loginsConsumed,
    private readonly keepMs = 16 * 60_000,
  ) {}

  start(intervalMs = 5_000): void {
    if (this.timer) return;
    void this.sample();
    this.timer = setInterval(() => void this.sample(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Takes one reading (the timer does this; tests call it with their clock). */
  async sample(now = Date.now()): Promise<void> {
    const logins = await this.read();
    this.samples.push({ at: now, logins });
    this.samples = this.samples.filter((s) => s.at >= now - this.keepMs);
  }

  /**
   * Logins in each of the last `minutes` whole minutes, oldest first (null where there is no
   * reading yet), and in the last 60 seconds.
   */
  perMinute(now = Date.now(), minutes = 15): { lastMinute: number | null; minutes: Array<number | null> } {
    const first = this.samples[0];
    // A window that began before the first reading counts from it (nothing was counted before
    // in this process); a window that ended before it has no figure.
    const count = (start: number, end: number): number | null => {
      const to = this.valueAt(end);
      const from = this.valueAt(start) ?? (first && end >= first.at ? first.logins : null);
      return to === null || from === null ? null : Math.max(0, to - from);
    };
    const series: Array<number | null> = [];
    for (let i = minutes; i >= 1; i--) series.push(count(now - i * 60_000, now - (i - 1) * 60_000));
    return { lastMinute: count(now - 60_000, now), minutes: series };
  }

  /** The latest reading taken at or before `t`, or null. */
  private valueAt(t: number): number | null {
    let found: number | null = null;
    for (const s of this.samples) {
      if (s.at <= t) found = s.logins;
      else break;
    }
    return found;
  }
}
