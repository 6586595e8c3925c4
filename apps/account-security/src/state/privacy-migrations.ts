import type { Migration } from "@loginguard/db";

const S = "account_security";

/**
 * Migrations of issue 14 (docs/ARCHITECTURE.md sections 6 and 9): staff actions from other services
 * in the audit trail (deduplicated by event id, no account for staff-only actions), and erasures
 * with each service's confirmation. The audit trail stays append-only (the triggers of migration 1).
 */
export const PRIVACY_MIGRATIONS: Migration[] = [
  {
    id: 4,
    name: "audit event ids and staff-only rows; erasures and their confirmations",
    sql: `
ALTER TABLE ${S}.audit ALTER COLUMN account_id DROP NOT NULL;
ALTER TABLE ${S}.audit ADD COLUMN event_id text UNIQUE;
CREATE INDEX audit_by_actor ON ${S}.audit (actor_id, id DESC);
CREATE INDEX audit_by_action ON ${S}.audit (action, id DESC);

-- One erase request: only the account id and times; who asked and why is in the audit row.
CREATE TABLE ${S}.erasures (
  erasure_id text PRIMARY KEY,
  account_id text NOT NULL,
  requested_at timestamptz NOT NULL,
  completed_at timestamptz
);
CREATE INDEX erasures_by_account ON ${S}.erasures (account_id, requested_at DESC);

CREATE TABLE ${S}.erasure_confirmations (
  erasure_id text NOT NULL REFERENCES ${S}.erasures (erasure_id),
  service text NOT NULL,
  confirmed_at timestamptz NOT NULL,
  deleted jsonb NOT NULL,
  PRIMARY KEY (erasure_id, service)
);
`,
  },
];
