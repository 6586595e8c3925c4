import type { ServiceSchema } from "@loginguard/db";

/** The responder's own PostgreSQL schema; no other service reads it. */
export const RESPONDER_SCHEMA: ServiceSchema = {
  schema: "responder",
  migrations: [
    {
      id: 1,
      name: "contacts, deliveries, notification dedupe, outbox",
      sql: `
        -- Where to reach a player; kept current by the game platforms (PUT /v1/accounts/{id}/contact).
        CREATE TABLE responder.contacts (
          account_id text PRIMARY KEY,
          email text,
          phone text,
          language text CHECK (language IN ('en', 'ko')),
          updated_by text NOT NULL,
          updated_at timestamptz NOT NULL DEFAULT now()
        );

        -- One row per side effect of one input event: a redelivered event never sends twice.
        CREATE TABLE responder.deliveries (
          source_id text NOT NULL,
          channel text NOT NULL CHECK (channel IN ('email', 'sms', 'in_game', 'webhook')),
          kind text NOT NULL,
          account_id text NOT NULL,
          outcome text NOT NULL CHECK (outcome IN ('delivered', 'failed', 'skipped')),
          provider_id text,
          detail text,
          attempts integer NOT NULL DEFAULT 1,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (source_id, channel, kind)
        );
        CREATE INDEX deliveries_by_account ON responder.deliveries (account_id, created_at DESC);

        -- One notification per account, rule and hour; the row names the event that owns the slot.
        CREATE TABLE responder.notification_slots (
          account_id text NOT NULL,
          rule_code text NOT NULL,
          hour_bucket bigint NOT NULL,
          source_id text NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (account_id, rule_code, hour_bucket)
        );

        -- Messages "sent" without a provider (no SMTP_URL / Twilio), shown in the support console.
        CREATE TABLE responder.outbox (
          id text PRIMARY KEY,
          account_id text NOT NULL,
          channel text NOT NULL CHECK (channel IN ('email', 'sms')),
          recipient text NOT NULL,
          language text NOT NULL,
          subject text,
          text_body text NOT NULL,
          html_body text,
          created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX outbox_by_account ON responder.outbox (account_id, created_at DESC);
        CREATE INDEX outbox_by_time ON responder.outbox (created_at DESC);
      `,
    },
    {
      id: 2,
      name: "account state versions (account.changed applied only when not older)",
      sql: `
        -- The newest account.changed version seen per account: an older one is never acted on.
        CREATE TABLE responder.account_versions (
          account_id text PRIMARY KEY,
          version bigint NOT NULL
        );
      `,
    },
  ],
};
