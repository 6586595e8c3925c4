import { CE_HEADERS } from "@loginguard/events";
import type { Bus, BusRecord, OutgoingRecord } from "../bus";
import { DLQ_HEADERS } from "../stage/dead-letter";
import { type EndOffsets, readSnapshot } from "./snapshot";

/**
 * Topic where every replay is recorded: key = the dead letter's id, value = who replayed it
 * when. `dlq list` marks replayed records from it and `dlq replay` skips them, so replaying twice
 * delivers once downstream (docs/ARCHITECTURE.md section 9).
 */
export const DLQ_LEDGER_TOPIC = "dlq.replayed";

const DLQ_SUFFIX = ".dlq";

/** One dead-letter record as the tools show it. */
export interface DeadLetter {
  /** `<dlq topic>:<partition>:<offset>`: where the dead letter itself sits. */
  id: string;
  topic: string;
  partition: number;
  offset: string;
  /** Where the original record came from, and where a replay puts it back. */
  sourceTopic: string;
  sourcePartition: number | null;
  sourceOffset: string | null;
  stage: string | null;
  error: string;
  code: string | null;
  attempts: number | null;
  /** When this record failed. */
  failedAt: string | null;
  /** The earliest failure of the same event (same `ce_id` and source topic) across the dead letters. */
  firstFailedAt: string | null;
  eventId: string | null;
  correlationId: string | null;
  type: string | null;
  key: string | null;
  headers: Record<string, string>;
  value: string | null;
  /** Set once replayed: who did it and when. */
  replayed: { by: string; at: string } | null;
}

/** Filters of `dlq list` and `dlq replay`; all optional, all must match. */
export interface DeadLetterFilter {
  /** Source topic (`login.attempted`) or dead-letter topic (`login.attempted.dlq`). */
  topic?: string;
  /** Failed at or after this time. */
  since?: Date;
  /** Text the error contains (case-insensitive). */
  reason?: string;
  /** Only these dead-letter ids. */
  ids?: readonly string[];
  /** Include records already replayed. Default false for replay, true for list. */
  includeReplayed?: boolean;
}

/** The dead letters of one Bus: read, filtered, shown and replayed. */
export class DeadLetters {
  constructor(
    private readonly bus: Bus,
    private readonly endOffsets: EndOffsets,
  ) {}

  /** Every dead letter on every `*.dlq` topic, with its replay state, oldest first per topic. */
  async all(): Promise<DeadLetter[]> {
    const names = (await this.bus.listTopics()).map((t) => t.name);
    const dlqTopics = names.filter((n) => n.endsWith(DLQ_SUFFIX));
    if (dlqTopics.length === 0) return [];
    const ledgerTopics = names.includes(DLQ_LEDGER_TOPIC) ? [DLQ_LEDGER_TOPIC] : [];
    const records = await readSnapshot(this.bus, [...dlqTopics, ...ledgerTopics], this.endOffsets, {
      groupPrefix: "loginguard-dlq-reader",
    });
    const replayed = new Map<string, { by: string; at: string }>();
    for (const r of records) {
      if (r.topic !== DLQ_LEDGER_TOPIC || r.key === null) continue;
      replayed.set(r.key, { by: r.headers.replayed_by ?? "unknown", at: r.headers.replayed_at ?? "" });
    }
    const letters = records.filter((r) => r.topic !== DLQ_LEDGER_TOPIC).map((r) => toDeadLetter(r));
    const first = new Map<string, string>();
    for (const l of letters) {
      const k = `${l.sourceTopic}\u0000${l.eventId ?? l.id}`;
      const seen = first.get(k);
      if (l.failedAt && (!seen || l.failedAt < seen)) first.set(k, l.failedAt);
    }
    return letters.map((l) => ({
      ...l,
      firstFailedAt: first.get(`${l.sourceTopic}\u0000${l.eventId ?? l.id}`) ?? l.failedAt,
      replayed: replayed.get(l.id) ?? null,
    }));
  }

  /** The dead letters matching `filter`. */
  async list(filter: DeadLetterFilter = {}): Promise<DeadLetter[]> {
    return (await this.all()).filter((l) => matches(l, { includeReplayed: true, ...filter }));
  }

  /** One dead letter by id, or undefined. */
  async show(id: string): Promise<DeadLetter | undefined> {
    return (await this.all()).find((l) => l.id === id);
  }

  /**
   * Puts the matching dead letters that were not replayed yet back on their source topics (the
   * original key, value and headers, without the `dlq_*` ones; the event id unchanged, so every
   * consumer's dedupe by id holds), each followed by its ledger record naming `by`. `onEach` is
   * called after each one (progress). With `dryRun`, publishes nothing and returns what it would do.
   */
  async replay(
    filter: DeadLetterFilter,
    options: { by: string; dryRun?: boolean; onEach?: (letter: DeadLetter) => void },
  ): Promise<{ replayed: DeadLetter[]; skipped: DeadLetter[] }> {
    const candidates = (await this.all()).filter((l) => matches(l, { ...filter, includeReplayed: true }));
    const skipped = candidates.filter((l) => l.replayed !== null);
    const todo = candidates.filter((l) => l.replayed === null);
    if (options.dryRun) return { replayed: todo, skipped };
    if (todo.length > 0) await this.bus.ensureTopics([{ name: DLQ_LEDGER_TOPIC, partitions: 1 }]);
    const done: DeadLetter[] = [];
    for (const letter of todo) {
      const at = new Date().toISOString();
      // The original first, then its ledger record: a crash between them replays it again at
      // worst, which the event id makes harmless downstream.
      await this.bus.publish([originalOf(letter)]);
      await this.bus.publish([ledgerRecordOf(letter, options.by, at)]);
      const replayed = { ...letter, replayed: { by: options.by, at } };
      done.push(replayed);
      options.onEach?.(replayed);
    }
    return { replayed: done, skipped };
  }
}

function matches(l: DeadLetter, f: DeadLetterFilter): boolean {
  if (f.topic !== undefined && f.topic !== l.sourceTopic && f.topic !== l.topic) return false;
  if (f.since !== undefined && (l.failedAt === null || new Date(l.failedAt) < f.since)) return false;
  if (f.reason !== undefined && !l.error.toLowerCase().includes(f.reason.toLowerCase())) return false;
  if (f.ids !== undefined && !f.ids.includes(l.id)) return false;
  if (!f.includeReplayed && l.replayed !== null) return false;
  return true;
}

const DLQ_HEADER_NAMES = new Set<string>(Object.values(DLQ_HEADERS));

function toDeadLetter(r: BusRecord): DeadLetter {
  const h = r.headers;
  const int = (v: string | undefined) => (v === undefined || !/^\d+$/.test(v) ? null : Number(v));
  return {
    id: `${r.topic}:${r.partition}:${r.offset}`,
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    sourceTopic: h[DLQ_HEADERS.topic] ?? r.topic.slice(0, -DLQ_SUFFIX.length),
    sourcePartition: int(h[DLQ_HEADERS.partition]),
    sourceOffset: h[DLQ_HEADERS.offset] ?? null,
    stage: h[DLQ_HEADERS.stage] ?? null,
    error: h[DLQ_HEADERS.error] ?? "",
    code: h[DLQ_HEADERS.code] ?? null,
    attempts: int(h[DLQ_HEADERS.attempts]),
    failedAt: h[DLQ_HEADERS.failedAt] ?? null,
    firstFailedAt: null,
    eventId: h[CE_HEADERS.id] ?? null,
    correlationId: h[CE_HEADERS.correlationId] ?? null,
    type: h[CE_HEADERS.type] ?? null,
    key: r.key,
    headers: { ...h },
    value: r.value === null ? null : r.value.toString("utf8"),
    replayed: null,
  };
}

function originalOf(l: DeadLetter): OutgoingRecord {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(l.headers)) if (!DLQ_HEADER_NAMES.has(k)) headers[k] = v;
  return {
    topic: l.sourceTopic,
    key: l.key,
    value: l.value === null ? null : Buffer.from(l.value, "utf8"),
    headers,
  };
}

function ledgerRecordOf(l: DeadLetter, by: string, at: string): OutgoingRecord {
  return {
    topic: DLQ_LEDGER_TOPIC,
    key: l.id,
    value: Buffer.from(JSON.stringify({ id: l.id, sourceTopic: l.sourceTopic, eventId: l.eventId, by, at })),
    headers: { replayed_by: by, replayed_at: at },
  };
}
