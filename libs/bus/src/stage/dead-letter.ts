import { describeError, retryability } from "@loginguard/errors";
import { dlqTopicOf } from "@loginguard/events";
import type { BusRecord, OutgoingRecord } from "../bus";

/** Headers a dead-letter record carries besides the original record's own headers. */
export const DLQ_HEADERS = {
  error: "dlq_error",
  code: "dlq_error_code",
  stage: "dlq_stage",
  topic: "dlq_source_topic",
  partition: "dlq_source_partition",
  offset: "dlq_source_offset",
  attempts: "dlq_attempts",
  failedAt: "dlq_failed_at",
} as const;

const MAX_ERROR_TEXT = 2000;

/**
 * The dead-letter record for `record`: the original key, value and headers, plus why it failed,
 * where it came from and how often it was tried — enough to inspect and replay it.
 */
export function deadLetterOf(
  record: BusRecord,
  error: unknown,
  stage: string,
  attempts: number,
): OutgoingRecord {
  const code = (error as { code?: unknown }).code;
  return {
    topic: dlqTopicOf(record.topic),
    key: record.key,
    value: record.value,
    headers: {
      ...record.headers,
      [DLQ_HEADERS.error]: describeError(error).slice(0, MAX_ERROR_TEXT),
      [DLQ_HEADERS.code]:
        typeof code === "string" ? code : retryability(error) === false ? "rejected" : "gave_up",
      [DLQ_HEADERS.stage]: stage,
      [DLQ_HEADERS.topic]: record.topic,
      [DLQ_HEADERS.partition]: String(record.partition),
      [DLQ_HEADERS.offset]: record.offset,
      [DLQ_HEADERS.attempts]: String(attempts),
      [DLQ_HEADERS.failedAt]: new Date().toISOString(),
    },
  };
}
