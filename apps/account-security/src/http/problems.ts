import { HttpProblem } from "@loginguard/http";

/**
 * Problems of this service, each with a stable `type`
 * (`https://loginguard.dev/problems/<code>`).
 */
export const securityProblems = {
  /** The code does not match; `triesLeft` more are accepted. */
  wrongCode: (triesLeft: number) =>
    new HttpProblem(400, "unlock-code-wrong", "The code is not right", {
      detail: triesLeft > 0 ? `Check the code and try again (${triesLeft} left)` : "Request a new code",
      triesLeft,
    }),
  expiredCode: () =>
    new HttpProblem(400, "unlock-code-expired", "The code has expired", { detail: "Request a new code" }),
  noChallenge: () =>
    new HttpProblem(400, "unlock-code-missing", "No code is pending", {
      detail: "Request a code with POST /v1/me/unlock/challenge first",
    }),
  triesExhausted: () =>
    new HttpProblem(429, "unlock-tries-exhausted", "Too many wrong codes", {
      detail: "This code can no longer be used; request a new one",
    }),
  notLocked: () =>
    new HttpProblem(409, "account-not-locked", "The account is not locked", { detail: "Nothing to unlock" }),
  loginNotFound: () =>
    new HttpProblem(404, "login-not-found", "No such sign-in", {
      detail: "No recent successful sign-in of this account has that eventId",
    }),
};
