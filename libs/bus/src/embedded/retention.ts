import type { SqlClient } from "@loginguard/db";
import { describeError } from "@loginguard/errors";
import type { Logger } from "@loginguard/observability";
import type { TopicRegistry } from "./topics";

/**
 * Deletes chunks whose append time is older than their topic's retention (Kafka's
 * `cleanup.policy=delete` by age; sizes are not limited). Like Kafka, which never deletes the
 * active segment, the newest chunk of every partition stays, so a partition's end offset
 * survives a restart even when everything in it has expired. One DELETE per topic; topics with
 * retention -1 are kept forever.
 */
export async function deleteExpired(
  sql: SqlClient,
  registry: TopicRegistry,
  now = Date.now(),
): Promise<number> {
  let deleted = 0;
  for (const topic of registry.all()) {
    if (topic.retentionMs < 0) continue; // kept forever
    const { rows } = await sql.query<{ n: number | bigint }>(
      `WITH gone AS (
         DELETE FROM bus.chunks c
         WHERE c.topic_id = $1 AND c.append_ts < $2
           AND c.last_offset < (SELECT max(m.last_offset) FROM bus.chunks m
                                WHERE m.topic_id = c.topic_id AND m.partition = c.partition)
         RETURNING 1)
       SELECT count(*) AS n FROM gone`,
      [topic.id, now - topic.retentionMs],
    );
    deleted += Number(rows[0]?.n ?? 0);
  }
  return deleted;
}

/** Runs {@link deleteExpired} every `intervalMs` (first run after one interval); never overlaps. */
export function startRetention(
  sql: SqlClient,
  registry: TopicRegistry,
  intervalMs: number,
  logger: Logger,
): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = deleteExpired(sql, registry)
      .then((deleted) => {
        if (deleted > 0) logger.debug({ chunks: deleted }, "expired records deleted");
      })
      .catch((err: unknown) => logger.warn({ err: describeError(err) }, "retention run failed"))
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
