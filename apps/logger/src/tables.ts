import type { ActionCompleted, HistoryContext, Reason } from "@loginguard/events";
import { jsonb, pgSchema, text, timestamp } from "drizzle-orm/pg-core";

/** drizzle view of the tables created by `loggerSchema` (migrations.ts is the source of truth). */
export const logger = pgSchema("logger");

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const logins = logger.table("logins", {
  eventId: text("event_id").primaryKey(),
  accountId: text("account_id").notNull(),
  occurredAt: at("occurred_at").notNull(),
  result: text("result").$type<"success" | "failure">().notNull(),
  failureReason: text("failure_reason"),
  ip: text("ip"),
  ipMasked: text("ip_masked"),
  ipClass: text("ip_class").notNull(),
  country: text("country"),
  deviceId: text("device_id"),
  userAgent: text("user_agent"),
  gameId: text("game_id"),
  serverId: text("server_id"),
  sessionId: text("session_id"),
  source: text("source").notNull(),
  correlationId: text("correlation_id").notNull(),
  history: jsonb("history").$type<HistoryContext>().notNull(),
  receivedAt: at("received_at").notNull(),
  recordedAt: at("recorded_at").notNull().defaultNow(),
});

export const decisions = logger.table("decisions", {
  decisionId: text("decision_id").primaryKey(),
  loginEventId: text("login_event_id").notNull(),
  accountId: text("account_id").notNull(),
  action: text("action").$type<Reason["action"]>(),
  actions: jsonb("actions").$type<Reason["action"][]>().notNull(),
  reasons: jsonb("reasons").$type<Reason[]>().notNull(),
  channels: jsonb("channels").$type<string[]>().notNull(),
  loginOccurredAt: at("login_occurred_at").notNull(),
  decidedAt: at("decided_at").notNull(),
  recordedAt: at("recorded_at").notNull().defaultNow(),
});

export const actionResults = logger.table("action_results", {
  completionId: text("completion_id").primaryKey(),
  decisionId: text("decision_id").notNull(),
  loginEventId: text("login_event_id").notNull(),
  accountId: text("account_id").notNull(),
  results: jsonb("results").$type<ActionCompleted["results"]>().notNull(),
  completedAt: at("completed_at").notNull(),
  recordedAt: at("recorded_at").notNull().defaultNow(),
});

export type LoginRow = typeof logins.$inferSelect;
export type DecisionRow = typeof decisions.$inferSelect;
export type ActionResultRow = typeof actionResults.$inferSelect;
