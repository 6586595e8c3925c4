import type { SqlClient } from "@loginguard/db";
import { describeError } from "@loginguard/errors";
import { type Logger, privacyMetrics } from "@loginguard/observability";

/** How long what is kept (IP_RETENTION_DAYS, HISTORY_RETENTION_DAYS). */
export interface RetentionSettings {
  ipRetentionDays: number;
  historyRetentionDays: number;
}

/** What one run removed. */
export interface RetentionResult {
  /** Lines whose full IP was reduced to the masked form. */
  ipsReduced: number;
  linesDeleted: number;
  decisionsDeleted: number;
  actionResultsDeleted: number;
}

const DAY_MS = 86_400_000;
/** Rows per statement, so a first run over a large backlog never holds long locks. */
const DEFAULT_BATCH = 5000;

/**
 * Applies the privacy rules of docs/ARCHITECTURE.md section 9 as of `now`: full IPs of logins that occurred
 * more than `ipRetentionDays` ago are dropped (the masked form stays), and lines older than
 * `historyRetentionDays` are deleted with their decisions and delivery results. Idempotent; safe
 * to run on several replicas at once.
 */
export async function applyRetention(
  sql: SqlClient,
  settings: RetentionSettings,
  now: Date = new Date(),
  batchSize = DEFAULT_BATCH,
): Promise<RetentionResult> {
  const ipCutoff = new Date(now.getTime() - settings.ipRetentionDays * DAY_MS).toISOString();
  const historyCutoff = new Date(now.getTime() - settings.historyRetentionDays * DAY_MS).toISOString();
  const inBatches = async (statement: string, cutoff: string): Promise<number> => {
    let total = 0;
    for (;;) {
      const { rows } = await sql.query<{ n: number }>(statement, [cutoff, batchSize]);
      const n = Number(rows[0]?.n ?? 0);
      total += n;
      if (n < batchSize) return total;
    }
  };
  return {
    ipsReduced: await inBatches(
      `WITH done AS (
         UPDATE logger.logins SET ip = NULL WHERE event_id IN (
           SELECT event_id FROM logger.logins WHERE ip IS NOT NULL AND occurred_at < $1::timestamptz LIMIT $2)
         RETURNING 1)
       SELECT count(*) AS n FROM done`,
      ipCutoff,
    ),
    linesDeleted: await inBatches(
      `WITH done AS (
         DELETE FROM logger.logins WHERE event_id IN (
           SELECT event_id FROM logger.logins WHERE occurred_at < $1::timestamptz LIMIT $2)
         RETURNING 1)
       SELECT count(*) AS n FROM done`,
      historyCutoff,
    ),
    decisionsDeleted: await inBatches(
      `WITH done AS (
         DELETE FROM logger.decisions WHERE decision_id IN (
           SELECT decision_id FROM logger.decisions WHERE login_occurred_at < $1::timestamptz LIMIT $2)
         RETURNING 1)
       SELECT count(*) AS n FROM done`,
      historyCutoff,
    ),
    actionResultsDeleted: await inBatches(
      `WITH done AS (
         DELETE FROM logger.action_results WHERE completion_id IN (
           SELECT completion_id FROM logger.action_results WHERE completed_at < $1::timestamptz LIMIT $2)
         RETURNING 1)
       SELECT count(*) AS n FROM done`,
      historyCutoff,
    ),
  };
}

/** A running periodic retention job. */
export interface RetentionJob {
  /** Waits for a run in progress, then stops. */
  stop(): Promise<void>;
}

/**
 * Runs {@link applyRetention} shortly after start and then every `intervalMs`. A failed run is
 * logged and tried again at the next tick; the timers never keep the process alive.
 */
export function startRetentionJob(options: {
  sql: SqlClient;
  settings: RetentionSettings;
  intervalMs: number;
  logger: Logger;
  firstRunDelayMs?: number;
}): RetentionJob {
  let running: Promise<void> | undefined;
  let stopped = false;
  const run = () => {
    if (stopped || running) return;
    running = applyRetention(options.sql, options.settings)
      .then((result) => {
        privacyMetrics.retentionRuns.inc({ service: "logger", outcome: "ok" });
        for (const [what, n] of Object.entries(result)) {
          privacyMetrics.retentionRows.inc({ service: "logger", what }, n);
        }
        if (Object.values(result).some((n) => n > 0)) options.logger.info(result, "retention applied");
      })
      .catch((err: unknown) => {
        privacyMetrics.retentionRuns.inc({ service: "logger", outcome: "failed" });
        options.logger.warn({ err: describeError(err) }, "retention run failed");
      })
      .finally(() => {
        running = undefined;
      });
  };
  const first = setTimeout(run, options.firstRunDelayMs ?? 10_000);
  const every = setInterval(run, options.intervalMs);
  first.unref();
  every.unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
