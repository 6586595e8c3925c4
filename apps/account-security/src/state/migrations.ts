import type { ServiceSchema } from "@loginguard/db";
import { PRIVACY_MIGRATIONS } from "./privacy-migrations";

/** The PostgreSQL schema this service owns; no other service reads it. */
export const SCHEMA = "account_security";

const S = SCHEMA;

/** Hand-written, forward-only migrations of `account_security` (applied by `migrate` at start). */
export const ACCOUNT_SECURITY_SCHEMA: ServiceSchema = {
  schema: SCHEMA,
  migrations: [
    {
      id: 1,
      name: "accounts, decisions, recent logins, ip flags, unlock challenges, audit, outbox",
      sql: `
CREATE TABLE ${S}.accounts (
  account_id text PRIMARY KEY,
  locked boolean NOT NULL DEFAULT false,
  locked_at timestamptz,
  lock_reason text,
  locked_by_kind text,
  locked_by_id text,
  lock_login_event_id text,
  blocked_countries jsonb NOT NULL DEFAULT '[]',
  allowed_countries jsonb NOT NULL DEFAULT '[]',
  travel_country text,
  travel_until timestamptz,
  known_countries jsonb NOT NULL DEFAULT '[]',
  failure_burst_at timestamptz,
  version integer NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per login that produced output: its decision (null when it only flagged its IP) and
-- every event published for it, so a redelivered login publishes the very same events again.
-- decision_key is the login's eventId for the stage's decisions, and
-- "player_denied:<eventId>" for a player's "it was not me".
CREATE TABLE ${S}.decisions (
  decision_key text PRIMARY KEY,
  login_event_id text NOT NULL,
  account_id text NOT NULL,
  occurred_at timestamptz NOT NULL,
  decided_at timestamptz NOT NULL,
  action text,
  decision jsonb,
  outputs jsonb NOT NULL
);
CREATE INDEX decisions_by_account ON ${S}.decisions (account_id, decided_at DESC, decision_key)
  WHERE decision IS NOT NULL;

-- Successful logins kept for "was this you?" answers (no IP kept here).
CREATE TABLE ${S}.recent_logins (
  login_event_id text PRIMARY KEY,
  account_id text NOT NULL,
  occurred_at timestamptz NOT NULL,
  country text,
  game_id text,
  server_id text,
  session_id text
);
CREATE INDEX recent_logins_by_time ON ${S}.recent_logins (occurred_at);

CREATE TABLE ${S}.ip_flags (
  ip text PRIMARY KEY,
  failed_accounts integer NOT NULL,
  flagged_at timestamptz NOT NULL,
  until timestamptz NOT NULL,
  enforced boolean NOT NULL
);

CREATE TABLE ${S}.unlock_challenges (
  id text PRIMARY KEY,
  account_id text NOT NULL,
  -- HMAC-SHA256(pepper, id:code); null when no code was sent (the account was not locked).
  code_hash bytea,
  channel text,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  tries integer NOT NULL DEFAULT 0,
  status text NOT NULL CHECK (status IN ('pending', 'used', 'superseded', 'not_sent'))
);
CREATE INDEX unlock_challenges_by_account ON ${S}.unlock_challenges (account_id, created_at DESC);

CREATE TABLE ${S}.audit (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL,
  actor_kind text NOT NULL CHECK (actor_kind IN ('staff', 'player', 'system')),
  actor_id text,
  actor_email text,
  account_id text NOT NULL,
  action text NOT NULL,
  reason text,
  client_ip text,
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_by_account ON ${S}.audit (account_id, id DESC);

-- The audit trail is append-only for everyone who uses the table, enforced by the database.
CREATE FUNCTION ${S}.refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'account_security.audit is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON ${S}.audit
  FOR EACH ROW EXECUTE FUNCTION ${S}.refuse_audit_change();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON ${S}.audit
  FOR EACH STATEMENT EXECUTE FUNCTION ${S}.refuse_audit_change();

-- Events of HTTP-made changes, written in the change's transaction and published after it.
CREATE TABLE ${S}.outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  topic text NOT NULL,
  event jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
`,
    },
    {
      id: 2,
      name: "operators' run-time changes in the audit trail, once per event",
      sql: `
CREATE UNIQUE INDEX audit_operator_event ON ${S}.audit ((details->>'eventId'))
  WHERE action LIKE 'operator.%';
`,
    },
    {
      id: 3,
      name: "answers to was-this-you",
      sql: `
-- One answer per login ("was this you?"), however it came: the email or SMS link, the game, the
-- history page. The first answer stands; the same answer again is a no-op (idempotent).
CREATE TABLE ${S}.answers (
  login_event_id text PRIMARY KEY,
  account_id text NOT NULL,
  answer text NOT NULL CHECK (answer IN ('yes', 'no')),
  via text NOT NULL CHECK (via IN ('link', 'game', 'page')),
  country text,
  login_occurred_at timestamptz NOT NULL,
  answered_at timestamptz NOT NULL
);
CREATE INDEX answers_by_account ON ${S}.answers (account_id, answered_at DESC);
`,
    },
    ...PRIVACY_MIGRATIONS,
  ],
};
