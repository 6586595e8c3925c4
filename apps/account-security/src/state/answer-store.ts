import type { Database } from "@loginguard/db";
import { SCHEMA } from "./migrations";

/** A player's answer to "was this you?". */
export type AnswerValue = "yes" | "no";
/** Where the answer came from: the email/SMS link, the game server, the history page. */
export type AnswerVia = "link" | "game" | "page";

/** One recorded answer. */
export interface LoginAnswer {
  loginEventId: string;
  accountId: string;
  answer: AnswerValue;
  via: AnswerVia;
  country: string | null;
  loginOccurredAt: Date;
  answeredAt: Date;
}

interface Row {
  login_event_id: string;
  account_id: string;
  answer: AnswerValue;
  via: AnswerVia;
  country: string | null;
  login_occurred_at: Date | string;
  answered_at: Date | string;
}

function fromRow(r: Row): LoginAnswer {
  return {
    loginEventId: r.login_event_id,
    accountId: r.account_id,
    answer: r.answer,
    via: r.via,
    country: r.country,
    loginOccurredAt: new Date(r.login_occurred_at),
    answeredAt: new Date(r.answered_at),
  };
}

/** The answers of `account_security.answers`: one per login, the first one stands. */
export class AnswerStore {
  constructor(private readonly db: Database) {}

  /**
   * Records `answer` unless the login has one already; answers what is stored afterwards and
   * whether this call stored it.
   */
  async record(answer: LoginAnswer): Promise<{ stored: LoginAnswer; inserted: boolean }> {
    const { rows } = await this.db.sql.query<Row>(
      `INSERT INTO ${SCHEMA}.answers
         (login_event_id, account_id, answer, via, country, login_occurred_at, answered_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (login_event_id) DO NOTHING
       RETURNING *`,
      [
        answer.loginEventId,
        answer.accountId,
        answer.answer,
        answer.via,
        answer.country,
        answer.loginOccurredAt,
        answer.answeredAt,
      ],
    );
    if (rows[0]) return { stored: fromRow(rows[0]), inserted: true };
    const existing = await this.get(answer.accountId, answer.loginEventId);
    if (!existing) throw new Error(`answer of ${answer.loginEventId} belongs to another account`);
    return { stored: existing, inserted: false };
  }

  /** The account's answer about one login, if any. */
  async get(accountId: string, loginEventId: string): Promise<LoginAnswer | undefined> {
    const { rows } = await this.db.sql.query<Row>(
      `SELECT * FROM ${SCHEMA}.answers WHERE login_event_id = $1 AND account_id = $2`,
      [loginEventId, accountId],
    );
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  /** The account's latest answers, newest first. */
  async ofAccount(accountId: string, limit = 50): Promise<LoginAnswer[]> {
    const { rows } = await this.db.sql.query<Row>(
      `SELECT * FROM ${SCHEMA}.answers WHERE account_id = $1 ORDER BY answered_at DESC LIMIT $2`,
      [accountId, limit],
    );
    return rows.map(fromRow);
  }

  /** How many answers of each kind were given since `since` (console overview, scorecard). */
  async countsSince(since: Date): Promise<{ yes: number; no: number }> {
    const { rows } = await this.db.sql.query<{ answer: AnswerValue; n: number | string }>(
      `SELECT answer, count(*) AS n FROM ${SCHEMA}.answers WHERE answered_at >= $1 GROUP BY answer`,
      [since],
    );
    const count = (a: AnswerValue) => Number(rows.find((r) => r.answer === a)?.n ?? 0);
    return { yes: count("yes"), no: count("no") };
  }
}
