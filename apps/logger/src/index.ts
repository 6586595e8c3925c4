export { decodeCursor, encodeCursor, type HistoryCursor, PAGE_LIMITS } from "./cursor";
export { summarizeDevice } from "./device";
export { type HistorySettings, type LoggerConfig, loadLoggerConfig, loggerEnvSchema } from "./env";
export { type ContextWindows, computeHistoryContexts, FAILURE_COUNT_CAP } from "./history-context";
export type {
  HistoryItem,
  NotificationItem,
  StaffDecisionItem,
  StaffHistoryItem,
  StaffNotificationItem,
  Viewer,
} from "./history-items";
export { type HistoryLine, type HistoryPage, readHistory } from "./history-query";
export { maskIp } from "./ip-mask";
export { loggerSchema } from "./migrations";
export { loggerOpenApi } from "./openapi";
export { OUTCOME_STAGE, outcomeStage } from "./outcome-stage";
export { RECORD_STAGE, recordStage } from "./record-stage";
export { applyRetention, type RetentionResult, type RetentionSettings, startRetentionJob } from "./retention";
export { historyRoutes, PLAYER_HISTORY_PATH, STAFF_HISTORY_PATH } from "./routes";
export { createLoggerService, type LoggerService, type LoggerServiceOptions } from "./service";
