import {
  type ApiKeys,
  type AuthVariables,
  answerCsrfToken,
  apiKeyAuth,
  checkAnswerCsrf,
  verifyAnswerToken,
} from "@loginguard/auth";
import { HttpProblem, problems, readJson } from "@loginguard/http";
import type { Hono } from "hono";
import { z } from "zod";
import { type AnswerOutcome, answerView, type LoginAnswers } from "../answers";
import { AccountIdParam } from "./bodies";
import { LinkThrottle } from "./link-throttle";
import { securityProblems } from "./problems";
import { orUnavailable } from "./unavailable";

/** What the answer routes need. */
export interface AnswerRoutesOptions {
  answers: LoginAnswers;
  /** Keys of the game servers (`INGEST_API_KEYS`); none: the in-game answer route answers 401. */
  ingestApiKeys: ApiKeys;
  /** Secret of the link tokens (`ANSWER_TOKEN_SECRET`). */
  answerTokenSecret: string;
  clock: () => Date;
}

const Answer = z.enum(["yes", "no"]);

/** `POST /v1/accounts/{accountId}/answers`: the answer the game server collected in game. */
export const GameAnswerBody = z.object({ loginEventId: z.string().min(1).max(128), answer: Answer }).strict();

/** `POST /v1/answer-links/view`: the token from the link. */
export const LinkViewBody = z.object({ token: z.string().min(1).max(1024) }).strict();

/** `POST /v1/answer-links/answer`: the token and the player's one click. */
export const LinkAnswerBody = z.object({ token: z.string().min(1).max(1024), answer: Answer }).strict();

const linkInvalid = () =>
  new HttpProblem(401, "answer-link-invalid", "This link is not valid", {
    detail: "The link is damaged or has expired; open your account page or answer in the game",
  });

const alreadyAnswered = (answer: string) =>
  new HttpProblem(409, "already-answered", "This question was already answered", {
    detail: `It was answered "${answer}"; the first answer stands`,
    answer,
  });

/** The JSON of an answered question, the same for every way in. */
function answeredBody(result: Extract<AnswerOutcome, { outcome: "answered" }>) {
  return {
    ...answerView(result.answer),
    repeated: result.repeated,
    locked: result.record.locked,
    knownCountries: result.record.knownCountries,
  };
}

function answeredOrThrow(result: AnswerOutcome) {
  if (result.outcome === "not_found") throw securityProblems.loginNotFound();
  if (result.outcome === "conflict") throw alreadyAnswered(result.answer.answer);
  return answeredBody(result);
}

/**
 * "Was this you?" answered without a player session (docs/ARCHITECTURE.md sections 6, 7): by the
 * game server with its ingest key, and from the link in an email or SMS with its signed,
 * single-purpose token. The link's page first asks `view` (the question, the login, a CSRF
 * token bound to the link), then answers with one POST carrying `x-csrf-token`. A link answers
 * one question once; it opens nothing else.
 */
export function mountAnswerRoutes(
  routes: Hono<{ Variables: AuthVariables }>,
  options: AnswerRoutesOptions,
): void {
  const { answers, clock } = options;
  const throttle = new LinkThrottle();

  routes.post(
    "/v1/accounts/:accountId/answers",
    apiKeyAuth(options.ingestApiKeys),
    orUnavailable(async (c) => {
      const accountId = AccountIdParam.safeParse(c.req.param("accountId"));
      if (!accountId.success) throw securityProblems.loginNotFound();
      const body = await readJson(c, GameAnswerBody);
      return c.json(
        answeredOrThrow(await answers.answer(accountId.data, body.loginEventId, body.answer, "game")),
      );
    }),
  );

  const claimsOf = (token: string) => {
    const claims = verifyAnswerToken(token, options.answerTokenSecret, clock().getTime());
    if (!claims) throw linkInvalid();
    const wait = throttle.hit(`${claims.accountId}\u0000${claims.loginEventId}`, clock().getTime());
    if (wait !== null) throw problems.tooManyRequests(wait);
    return claims;
  };

  routes.post(
    "/v1/answer-links/view",
    orUnavailable(async (c) => {
      const { token } = await readJson(c, LinkViewBody);
      const claims = claimsOf(token);
      const login = await answers.findLogin(claims.accountId, claims.loginEventId);
      if (!login) throw securityProblems.loginNotFound();
      const answered = await answers.answerOf(claims.accountId, claims.loginEventId);
      c.header("cache-control", "no-store");
      return c.json({
        accountId: claims.accountId,
        login: {
          eventId: login.loginEventId,
          occurredAt: login.occurredAt.toISOString(),
          country: login.country,
        },
        answered: answered ? answerView(answered) : null,
        expiresAt: new Date(claims.expiresAt).toISOString(),
        csrfToken: answerCsrfToken(token, options.answerTokenSecret),
      });
    }),
  );

  routes.post(
    "/v1/answer-links/answer",
    orUnavailable(async (c) => {
      const { token, answer } = await readJson(c, LinkAnswerBody);
      const claims = claimsOf(token);
      if (!checkAnswerCsrf(token, c.req.header("x-csrf-token"), options.answerTokenSecret)) {
        throw problems.forbidden("Missing or wrong x-csrf-token: open the link again");
      }
      c.header("cache-control", "no-store");
      return c.json(
        answeredOrThrow(await answers.answer(claims.accountId, claims.loginEventId, answer, "link")),
      );
    }),
  );
}
