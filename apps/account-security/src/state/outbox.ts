import type { Bus, Emit } from "@loginguard/bus";
import type { Database, SqlClient } from "@loginguard/db";
import { encodeEvent } from "@loginguard/events";
import type { Logger } from "@loginguard/observability";
import { SCHEMA } from "./migrations";

/**
 * Events of changes made over HTTP (unlock, settings, answers), written in the same transaction
 * as the change and published after it commits. If the event log is down when the change is
 * made, the change stands and `flush` publishes its events later (a timer retries), so a state
 * change is never stored without its `account.changed`. Ids are fixed when written: a publish
 * repeated after a crash is deduplicated downstream.
 */
export class Outbox {
  #flushing: Promise<number> | undefined;
  #again = false;

  constructor(
    private readonly db: Database,
    private readonly bus: Bus,
    private readonly logger: Logger,
  ) {}

  /** Queues events inside `tx`. */
  async add(tx: SqlClient, emits: readonly Emit[]): Promise<void> {
    for (const emit of emits) {
      await tx.query(`INSERT INTO ${SCHEMA}.outbox (topic, event) VALUES ($1, $2::jsonb)`, [
        emit.topic,
        JSON.stringify(emit.event),
      ]);
    }
  }

  /**
   * Publishes what is queued, oldest first, in one `bus.publish`, then deletes it. Answers how
   * many were published; throws when the event log refused (they stay queued). Calls made while
   * a flush runs wait for it and one more pass.
   */
  flush(): Promise<number> {
    if (this.#flushing) {
      this.#again = true;
      return this.#flushing;
    }
    this.#flushing = (async () => {
      let total = 0;
      try {
        do {
          this.#again = false;
          total += await this.#flushOnce();
        } while (this.#again);
        return total;
      } finally {
        this.#flushing = undefined;
      }
    })();
    return this.#flushing;
  }

  /** Like {@link flush} but logs a failure instead of throwing (the timer will try again). */
  async tryFlush(): Promise<void> {
    try {
      await this.flush();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, "outbox publish failed; will retry");
    }
  }

  async #flushOnce(): Promise<number> {
    const { rows } = await this.db.sql.query<{ id: number; topic: string; event: Emit["event"] }>(
      `SELECT id, topic, event FROM ${SCHEMA}.outbox ORDER BY id LIMIT 500`,
    );
    if (rows.length === 0) return 0;
    await this.bus.publish(rows.map((r) => ({ topic: r.topic, ...encodeEvent(r.event) })));
    await this.db.sql.query(`DELETE FROM ${SCHEMA}.outbox WHERE id = ANY($1::bigint[])`, [
      rows.map((r) => r.id),
    ]);
    return rows.length + (rows.length === 500 ? await this.#flushOnce() : 0);
  }
}
