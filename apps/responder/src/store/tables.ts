import { bigint, integer, pgSchema, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/** drizzle view of the `responder` schema (created by ./migrations.ts). */
export const responder = pgSchema("responder");

export const contacts = responder.table("contacts", {
  accountId: text("account_id").primaryKey(),
  email: text("email"),
  phone: text("phone"),
  language: text("language").$type<"en" | "ko">(),
  updatedBy: text("updated_by").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});

export const deliveries = responder.table(
  "deliveries",
  {
    sourceId: text("source_id").notNull(),
    channel: text("channel").$type<"email" | "sms" | "in_game" | "webhook">().notNull(),
    kind: text("kind").notNull(),
    accountId: text("account_id").notNull(),
    outcome: text("outcome").$type<"delivered" | "failed" | "skipped">().notNull(),
    providerId: text("provider_id"),
    detail: text("detail"),
    attempts: integer("attempts").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.sourceId, t.channel, t.kind] })],
);

export const notificationSlots = responder.table(
  "notification_slots",
  {
    accountId: text("account_id").notNull(),
    ruleCode: text("rule_code").notNull(),
    hourBucket: bigint("hour_bucket", { mode: "number" }).notNull(),
    sourceId: text("source_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.ruleCode, t.hourBucket] })],
);

export const outbox = responder.table("outbox", {
  id: text("id").primaryKey(),
  accountId: text("account_id").notNull(),
  channel: text("channel").$type<"email" | "sms">().notNull(),
  recipient: text("recipient").notNull(),
  language: text("language").notNull(),
  subject: text("subject"),
  textBody: text("text_body").notNull(),
  htmlBody: text("html_body"),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});
