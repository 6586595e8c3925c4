import type { ServiceSchema } from "@loginguard/db";

/**
 * The logger's own schema. Ids are compared with COLLATE "C" so paging order is the same on every
 * server whatever its locale. Timestamps are stored to the millisecond, like a JS Date, so a
 * cursor carries them exactly.
 */
export const loggerSchema: ServiceSchema = {
  schema: "logger",
  migrations: [
    {
      id: 1,
      name: "login history, decisions, action results",
      sql: `
CREATE TABLE logger.logins (
  event_id        text COLLATE "C" PRIMARY KEY,
  account_id      text COLLATE "C" NOT NULL,
  occurred_at     timestamptz NOT NULL,
  result          text NOT NULL CHECK (result IN ('success', 'failure')),
  failure_reason  text,
  -- The full (normalized) IP; NULL once older than IP_RETENTION_DAYS, ip_masked stays.
  ip              text,
  ip_masked       text,
  ip_class        text NOT NULL,
  -- ISO alpha-2; NULL for unknown, private and reserved addresses.
  country         text,
  device_id       text,
  user_agent      text,
  game_id         text,
  server_id       text,
  session_id      text,
  source          text NOT NULL,
  correlation_id  text NOT NULL,
  -- HistoryContext computed when the line was recorded; re-emitted unchanged on redelivery.
  history         jsonb NOT NULL,
  received_at     timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now()
);
-- The history page (newest first, cursor paged) and failures per account.
CREATE INDEX logins_account_time_idx ON logger.logins (account_id, occurred_at DESC, event_id DESC);
-- Previous success and countries seen, without walking through an account's failures.
CREATE INDEX logins_account_success_idx ON logger.logins (account_id, occurred_at DESC, event_id DESC)
  WHERE result = 'success';
-- Distinct accounts an IP failed on (credential stuffing).
CREATE INDEX logins_ip_failure_idx ON logger.logins (ip, occurred_at DESC) INCLUDE (account_id)
  WHERE result = 'failure' AND ip IS NOT NULL;
-- Retention: rows arrive roughly in time order, so a BRIN index is enough and nearly free.
CREATE INDEX logins_occurred_at_brin ON logger.logins USING brin (occurred_at);

-- One row per security.decided event; may arrive before its login line (joined at read time).
CREATE TABLE logger.decisions (
  decision_id       text COLLATE "C" PRIMARY KEY,
  login_event_id    text COLLATE "C" NOT NULL,
  account_id        text COLLATE "C" NOT NULL,
  -- The strongest enforced action; NULL when every rule that fired was in shadow mode.
  action            text,
  actions           jsonb NOT NULL,
  reasons           jsonb NOT NULL,
  channels          jsonb NOT NULL,
  login_occurred_at timestamptz NOT NULL,
  decided_at        timestamptz NOT NULL,
  recorded_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX decisions_login_idx ON logger.decisions (account_id, login_event_id);
CREATE INDEX decisions_time_brin ON logger.decisions USING brin (login_occurred_at);

-- One row per action.completed event: what the responder did per channel.
CREATE TABLE logger.action_results (
  completion_id   text COLLATE "C" PRIMARY KEY,
  decision_id     text COLLATE "C" NOT NULL,
  login_event_id  text COLLATE "C" NOT NULL,
  account_id      text COLLATE "C" NOT NULL,
  results         jsonb NOT NULL,
  completed_at    timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX action_results_login_idx ON logger.action_results (account_id, login_event_id);
CREATE INDEX action_results_time_brin ON logger.action_results USING brin (completed_at);
`,
    },
  ],
};
