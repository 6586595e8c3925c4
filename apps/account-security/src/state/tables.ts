import { bytea } from "@loginguard/db";
import type { SecurityDecided } from "@loginguard/events";
import { bigint, boolean, integer, jsonb, pgSchema, text, timestamp } from "drizzle-orm/pg-core";
import { SCHEMA } from "./migrations";

/** drizzle view of the `account_security` tables (created by migrations.ts, not by drizzle). */
export const accountSecurity = pgSchema(SCHEMA);

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const accounts = accountSecurity.table("accounts", {
  accountId: text("account_id").primaryKey(),
  locked: boolean("locked").notNull(),
  lockedAt: at("locked_at"),
  lockReason: text("lock_reason"),
  lockedByKind: text("locked_by_kind"),
  lockedById: text("locked_by_id"),
  lockLoginEventId: text("lock_login_event_id"),
  blockedCountries: jsonb("blocked_countries").$type<string[]>().notNull(),
  allowedCountries: jsonb("allowed_countries").$type<string[]>().notNull(),
  travelCountry: text("travel_country"),
  travelUntil: at("travel_until"),
  knownCountries: jsonb("known_countries").$type<string[]>().notNull(),
  failureBurstAt: at("failure_burst_at"),
  version: integer("version").notNull(),
  updatedAt: at("updated_at").notNull(),
});

export const decisions = accountSecurity.table("decisions", {
  decisionKey: text("decision_key").primaryKey(),
  loginEventId: text("login_event_id").notNull(),
  accountId: text("account_id").notNull(),
  occurredAt: at("occurred_at").notNull(),
  decidedAt: at("decided_at").notNull(),
  action: text("action"),
  decision: jsonb("decision").$type<SecurityDecided>(),
  outputs: jsonb("outputs").notNull(),
});

export const recentLogins = accountSecurity.table("recent_logins", {
  loginEventId: text("login_event_id").primaryKey(),
  accountId: text("account_id").notNull(),
  occurredAt: at("occurred_at").notNull(),
  country: text("country"),
  gameId: text("game_id"),
  serverId: text("server_id"),
  sessionId: text("session_id"),
});

export const ipFlags = accountSecurity.table("ip_flags", {
  ip: text("ip").primaryKey(),
  failedAccounts: integer("failed_accounts").notNull(),
  flaggedAt: at("flagged_at").notNull(),
  until: at("until").notNull(),
  enforced: boolean("enforced").notNull(),
});

export const unlockChallenges = accountSecurity.table("unlock_challenges", {
  id: text("id").primaryKey(),
  accountId: text("account_id").notNull(),
  codeHash: bytea("code_hash"),
  channel: text("channel"),
  createdAt: at("created_at").notNull(),
  expiresAt: at("expires_at").notNull(),
  tries: integer("tries").notNull(),
  status: text("status").$type<"pending" | "used" | "superseded" | "not_sent">().notNull(),
});

export const audit = accountSecurity.table("audit", {
  id: bigint("id", { mode: "number" }).primaryKey(),
  at: at("at").notNull(),
  actorKind: text("actor_kind").$type<"staff" | "player" | "system">().notNull(),
  actorId: text("actor_id"),
  actorEmail: text("actor_email"),
  accountId: text("account_id"),
  action: text("action").notNull(),
  reason: text("reason"),
  clientIp: text("client_ip"),
  details: jsonb("details").$type<Record<string, unknown>>().notNull(),
  eventId: text("event_id"),
});

export const outbox = accountSecurity.table("outbox", {
  id: bigint("id", { mode: "number" }).primaryKey(),
  topic: text("topic").notNull(),
  event: jsonb("event").notNull(),
  createdAt: at("created_at").notNull(),
});
