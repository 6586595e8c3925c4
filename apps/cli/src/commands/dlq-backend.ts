import { type DeadLetter, type DeadLetterFilter, DeadLetters } from "@loginguard/bus";
import { deadLetterSummary, operatorAudit, type Platform } from "@loginguard/platform";
import type { AdminClient } from "../admin-client";

/** A dead letter as `dlq list` shows it (no value or headers). */
export type DeadLetterRow = ReturnType<typeof deadLetterSummary>;

/** Filters the CLI takes (`--topic`, `--since`, `--reason`). */
export interface CliFilter {
  topic?: string;
  since?: string;
  reason?: string;
}

/** Where `loginguard dlq` reads and replays: a running instance's admin API, or Kafka itself. */
export interface DlqBackend {
  readonly where: string;
  list(filter: CliFilter, includeReplayed: boolean): Promise<DeadLetterRow[]>;
  show(id: string): Promise<DeadLetter | undefined>;
  replay(ids: string[], by: string): Promise<{ replayed: DeadLetterRow[]; skipped: DeadLetterRow[] }>;
  close(): Promise<void>;
}

/** Through `GET/POST /v1/admin/dlq...` of a running instance (embedded mode). */
export function apiBackend(client: AdminClient): DlqBackend {
  return {
    where: `the running instance at ${client.base}`,
    async list(filter, includeReplayed) {
      const q = new URLSearchParams({ ...filter, replayed: String(includeReplayed) });
      return (await client.call<{ items: DeadLetterRow[] }>("GET", `/v1/admin/dlq?${q}`)).items;
    },
    async show(id) {
      try {
        return await client.call<DeadLetter>("GET", `/v1/admin/dlq/${encodeURIComponent(id)}`);
      } catch (err) {
        if (/ answered 404/.test((err as Error).message)) return undefined;
        throw err;
      }
    },
    replay: (ids, by) => client.call("POST", "/v1/admin/dlq/replay", { ids, by, dryRun: false }),
    close: async () => {},
  };
}

/** Straight on the event log the CLI opened (distributed mode: Kafka), audited like the API. */
export function directBackend(platform: Platform, where: string): DlqBackend {
  const letters = new DeadLetters(platform.bus, platform.endOffsets);
  const audit = operatorAudit(platform.bus, "cli");
  const toFilter = (f: CliFilter): DeadLetterFilter => ({
    ...(f.topic ? { topic: f.topic } : {}),
    ...(f.since ? { since: new Date(f.since) } : {}),
    ...(f.reason ? { reason: f.reason } : {}),
  });
  return {
    where,
    async list(filter, includeReplayed) {
      return (await letters.list({ ...toFilter(filter), includeReplayed })).map(deadLetterSummary);
    },
    show: (id) => letters.show(id),
    async replay(ids, by) {
      const result = await letters.replay({ ids }, { by });
      if (result.replayed.length > 0) {
        await audit.record({
          actor: by,
          action: "dlq_replay",
          details: { ids: result.replayed.map((l) => l.id), skipped: result.skipped.length },
        });
      }
      return {
        replayed: result.replayed.map(deadLetterSummary),
        skipped: result.skipped.map(deadLetterSummary),
      };
    },
    close: () => platform.close(),
  };
}
