import type { AccountActions } from "./account-actions";
import type { AccountRecord } from "./state/account-record";
import type { AnswerStore, AnswerValue, AnswerVia, LoginAnswer } from "./state/answer-store";
import type { RecentLogin } from "./state/recent-logins";

/** What answering a "was this you?" question came to. */
export type AnswerOutcome =
  | { outcome: "answered"; answer: LoginAnswer; login: RecentLogin; record: AccountRecord; repeated: boolean }
  | { outcome: "not_found" }
  | { outcome: "conflict"; answer: LoginAnswer };

/**
 * "Was this you?" from every place a player can answer it (docs/ARCHITECTURE.md sections 6, 7):
 * the link in a notification, the game, the history page. One answer per login: the first one
 * is recorded, the same answer again is repeated without a second effect, the other answer is a
 * conflict. "Yes" adds the login's country to the known set; "No" locks the account, kicks every
 * live session and tells the player and staff (`AccountActions.denyLogin`).
 */
export class LoginAnswers {
  constructor(private readonly deps: { actions: AccountActions; answers: AnswerStore; clock: () => Date }) {}

  /** The login the question is about, if it is a recent successful login of the account. */
  findLogin(accountId: string, loginEventId: string): Promise<RecentLogin | undefined> {
    return loginEventId.length <= 128
      ? this.deps.actions.findLogin(accountId, loginEventId)
      : Promise.resolve(undefined);
  }

  /** The recorded answer about a login, if any. */
  answerOf(accountId: string, loginEventId: string): Promise<LoginAnswer | undefined> {
    return this.deps.answers.get(accountId, loginEventId);
  }

  /** The account's latest answers, newest first. */
  ofAccount(accountId: string): Promise<LoginAnswer[]> {
    return this.deps.answers.ofAccount(accountId);
  }

  /**
   * Records and carries out an answer. The effect runs again on a repeated answer: both effects
   * are idempotent (derived event ids, a lock that is already there), so a crash between the
   * record and the effect is healed by answering again.
   */
  async answer(
    accountId: string,
    loginEventId: string,
    value: AnswerValue,
    via: AnswerVia,
  ): Promise<AnswerOutcome> {
    const login = await this.findLogin(accountId, loginEventId);
    if (!login) return { outcome: "not_found" };
    const { stored, inserted } = await this.deps.answers.record({
      loginEventId,
      accountId,
      answer: value,
      via,
      country: login.country,
      loginOccurredAt: login.occurredAt,
      answeredAt: this.deps.clock(),
    });
    if (stored.answer !== value) return { outcome: "conflict", answer: stored };
    const record =
      value === "yes"
        ? await this.deps.actions.confirmLogin(login)
        : await this.deps.actions.denyLogin(login);
    return { outcome: "answered", answer: stored, login, record, repeated: !inserted };
  }
}

/** An answer on the wire. */
export function answerView(a: LoginAnswer) {
  return {
    loginEventId: a.loginEventId,
    answer: a.answer,
    via: a.via,
    country: a.country,
    loginOccurredAt: a.loginOccurredAt.toISOString(),
    answeredAt: a.answeredAt.toISOString(),
  };
}
