import { retryability } from "@loginguard/errors";
import { HttpProblem, problems } from "@loginguard/http";
import type { Context } from "hono";

/**
 * Runs a handler and answers 503 (not 500) when the database or event log is down: the client
 * may try again. Other errors pass through to the host app's boundary.
 */
export function orUnavailable<C extends Context>(
  handler: (c: C) => Promise<Response>,
): (c: C) => Promise<Response> {
  return async (c) => {
    try {
      return await handler(c);
    } catch (err) {
      if (!(err instanceof HttpProblem) && retryability(err) === true) {
        throw problems.unavailable("The database is unavailable; try again shortly", err);
      }
      throw err;
    }
  };
}
