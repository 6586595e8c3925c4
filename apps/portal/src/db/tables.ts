import { bigserial, jsonb, pgSchema, text, timestamp } from "drizzle-orm/pg-core";
import { SCHEMA } from "./migrations";

/** drizzle view of the `portal` tables (created by migrations.ts, not by drizzle). */
export const portal = pgSchema(SCHEMA);

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const staff = portal.table("staff", {
  id: text("id").primaryKey(),
  email: text("email").notNull(),
  role: text("role").$type<"support" | "admin">().notNull(),
  passwordHash: text("password_hash").notNull(),
  createdAt: at("created_at").notNull(),
  createdBy: text("created_by"),
  lastSignInAt: at("last_sign_in_at"),
  disabledAt: at("disabled_at"),
});

export const staffSessions = portal.table("staff_sessions", {
  sid: text("sid").primaryKey(),
  staffId: text("staff_id").notNull(),
  createdAt: at("created_at").notNull(),
  clientIp: text("client_ip"),
  userAgent: text("user_agent"),
  endedAt: at("ended_at"),
});

export const signInFailures = portal.table("sign_in_failures", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  email: text("email").notNull(),
  clientIp: text("client_ip"),
  at: at("at").notNull(),
});

/** One rule of a decision as the overview counts it. */
export interface DecisionRule {
  code: string;
  mode: "enforce" | "shadow";
}

export const decisions = portal.table("decisions", {
  eventId: text("event_id").primaryKey(),
  accountId: text("account_id").notNull(),
  decidedAt: at("decided_at").notNull(),
  action: text("action"),
  rules: jsonb("rules").$type<DecisionRule[]>().notNull(),
});

export const lockedAccounts = portal.table("locked_accounts", {
  accountId: text("account_id").primaryKey(),
  lockedAt: at("locked_at"),
  reason: text("reason"),
  changedAt: at("changed_at").notNull(),
});
