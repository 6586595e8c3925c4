import { type AuthVariables, playerAuth } from "@loginguard/auth";
import { problems, readJson } from "@loginguard/http";
import type { Hono } from "hono";
import type { AccountActions } from "../account-actions";
import { answerView, type LoginAnswers } from "../answers";
import type { UnlockPolicy } from "../state/unlock-challenges";
import { AnswerBody, ChallengeBody, SettingsBody, travelUntil, VerifyBody } from "./bodies";
import { securityProblems } from "./problems";
import { orUnavailable } from "./unavailable";
import { playerSecurityView } from "./views";

/** What the player routes need. */
export interface PlayerRoutesOptions {
  actions: AccountActions;
  answers: LoginAnswers;
  playerTokenSecret: string;
  unlockPolicy: UnlockPolicy;
  /** Longest travel allowance, in days from now. */
  travelMaxDays: number;
  clock: () => Date;
}

/**
 * The player's own security routes under /v1/me (the account is the token's subject: there is
 * no accountId to tamper with). Each route carries its own `playerAuth`, scoped to its path.
 */
export function mountPlayerRoutes(
  routes: Hono<{ Variables: AuthVariables }>,
  options: PlayerRoutesOptions,
): void {
  const player = playerAuth(options.playerTokenSecret);
  const { actions, clock } = options;

  routes.get(
    "/v1/me/security",
    player,
    orUnavailable(async (c) => {
      const { record, challenge } = await actions.overview(c.var.accountId);
      const answers = await options.answers.ofAccount(c.var.accountId);
      return c.json({
        ...playerSecurityView(record, challenge, options.unlockPolicy, clock()),
        answers: answers.map(answerView),
      });
    }),
  );

  routes.put(
    "/v1/me/settings",
    player,
    orUnavailable(async (c) => {
      const body = await readJson(c, SettingsBody);
      const travel = body.travel
        ? {
            country: body.travel.country,
            until: travelUntil(body.travel.until, clock(), options.travelMaxDays),
          }
        : null;
      const record = await actions.changeSettings(c.var.accountId, {
        allowedCountries: body.allowedCountries,
        travel,
      });
      const { challenge } = await actions.overview(c.var.accountId);
      return c.json(playerSecurityView(record, challenge, options.unlockPolicy, clock()));
    }),
  );

  routes.post(
    "/v1/me/logins/:eventId/answer",
    player,
    orUnavailable(async (c) => {
      const eventId = c.req.param("eventId") ?? "";
      const { answer } = await readJson(c, AnswerBody);
      const result = await options.answers.answer(c.var.accountId, eventId, answer, "page");
      if (result.outcome === "not_found") throw securityProblems.loginNotFound();
      if (result.outcome === "conflict") {
        throw problems.conflict(`This sign-in was already answered "${result.answer.answer}"`);
      }
      return c.json({
        eventId,
        answer,
        country: result.login.country,
        locked: result.record.locked,
        knownCountries: result.record.knownCountries,
        repeated: result.repeated,
        ...(answer === "no" ? { unlock: "POST /v1/me/unlock/challenge" } : {}),
      });
    }),
  );

  routes.post(
    "/v1/me/unlock/challenge",
    player,
    orUnavailable(async (c) => {
      const { channel } = await readJson(c, ChallengeBody);
      const result = await actions.requestUnlockCode(c.var.accountId, channel ?? null);
      if (result.outcome === "rate_limited") throw problems.tooManyRequests(result.retryAfterSeconds);
      // The same answer whether the account is locked, and whatever contacts it has.
      return c.json(
        { status: "accepted", channel: channel ?? null, expiresAt: result.expiresAt.toISOString() },
        202,
      );
    }),
  );

  routes.post(
    "/v1/me/unlock/verify",
    player,
    orUnavailable(async (c) => {
      const { code } = await readJson(c, VerifyBody);
      const result = await actions.verifyUnlockCode(c.var.accountId, code);
      switch (result.outcome) {
        case "unlocked":
          return c.json({ unlocked: true, locked: result.record.locked });
        case "wrong":
          throw securityProblems.wrongCode(result.triesLeft);
        case "expired":
          throw securityProblems.expiredCode();
        case "no_challenge":
          throw securityProblems.noChallenge();
        case "exhausted":
          throw securityProblems.triesExhausted();
      }
    }),
  );
}
