import type { ServiceSchema } from "@loginguard/db";

/** The PostgreSQL schema the portal owns: staff accounts and sessions, and the overview's counts. */
export const SCHEMA = "portal";

const S = SCHEMA;

/** Hand-written, forward-only migrations of `portal` (applied by `migrate` at start). */
export const PORTAL_SCHEMA: ServiceSchema = {
  schema: SCHEMA,
  migrations: [
    {
      id: 1,
      name: "staff, staff sessions, sign-in failures, overview decisions and locked accounts",
      sql: `
CREATE TABLE ${S}.staff (
  id text PRIMARY KEY,
  email text NOT NULL UNIQUE,
  role text NOT NULL CHECK (role IN ('support', 'admin')),
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL,
  created_by text,
  last_sign_in_at timestamptz
);

CREATE TABLE ${S}.staff_sessions (
  sid text PRIMARY KEY,
  staff_id text NOT NULL REFERENCES ${S}.staff (id),
  created_at timestamptz NOT NULL,
  client_ip text,
  user_agent text,
  ended_at timestamptz
);
CREATE INDEX staff_sessions_created ON ${S}.staff_sessions (created_at);

CREATE TABLE ${S}.sign_in_failures (
  id bigserial PRIMARY KEY,
  email text NOT NULL,
  client_ip text,
  at timestamptz NOT NULL
);
CREATE INDEX sign_in_failures_email ON ${S}.sign_in_failures (email, at);
CREATE INDEX sign_in_failures_ip ON ${S}.sign_in_failures (client_ip, at);

CREATE TABLE ${S}.decisions (
  event_id text PRIMARY KEY,
  account_id text NOT NULL,
  decided_at timestamptz NOT NULL,
  action text,
  rules jsonb NOT NULL
);
CREATE INDEX decisions_decided_at ON ${S}.decisions (decided_at);

CREATE TABLE ${S}.locked_accounts (
  account_id text PRIMARY KEY,
  locked_at timestamptz,
  reason text,
  changed_at timestamptz NOT NULL
);
`,
    },
    {
      id: 2,
      name: "account state versions (account.changed applied only when not older)",
      sql: `
CREATE TABLE ${S}.account_versions (
  account_id text PRIMARY KEY,
  version bigint NOT NULL
);
`,
    },
    {
      id: 3,
      name: "the loss detector's watched logins",
      sql: `
CREATE TABLE ${S}.login_watch (
  login_id text PRIMARY KEY,
  account_id text NOT NULL,
  accepted_at timestamptz NOT NULL,
  last_stage text NOT NULL,
  stage_rank integer NOT NULL,
  recorded_partition integer,
  recorded_offset bigint,
  reported_at timestamptz
);
CREATE INDEX login_watch_accepted ON ${S}.login_watch (accepted_at);
CREATE INDEX login_watch_recorded ON ${S}.login_watch (recorded_partition, recorded_offset);
`,
    },
    {
      id: 4,
      name: "staff can be disabled",
      sql: `ALTER TABLE ${S}.staff ADD COLUMN disabled_at timestamptz;`,
    },
    {
      id: 5,
      name: "staff second factor: TOTP secret, last accepted step, recovery code hashes",
      sql: `
ALTER TABLE ${S}.staff ADD COLUMN totp_secret text;
ALTER TABLE ${S}.staff ADD COLUMN totp_last_step bigint;
ALTER TABLE ${S}.staff ADD COLUMN totp_enabled_at timestamptz;
ALTER TABLE ${S}.staff ADD COLUMN recovery_hashes jsonb;`,
    },
  ],
};
