export { DLQ_HEADERS, deadLetterOf } from "./dead-letter";
export { accept, acceptAny, deriveEmit } from "./emit";
export { InFlightLimiter } from "./limiter";
export {
  type AuditPublisher,
  auditPublisher,
  auditRecord,
  type ErasureStageOptions,
  erasureStage,
  type RevocationSink,
  startRevocationReader,
  tombstone,
} from "./privacy";
export { runningStages, StageRegistry } from "./registry";
export { backoffDelay, DEFAULT_RETRY, type RetryPolicy, sleep } from "./retry";
export { startStage } from "./run-stage";
export type * from "./types";
