import { LoginGuardError } from "@loginguard/errors";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** RFC 9457 problem details; `type` is stable and documented, `title` is for humans. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

const PROBLEM_BASE = "https://loginguard.dev/problems/";

/** An error that the HTTP boundary answers with its status and problem body. */
export class HttpProblem extends LoginGuardError {
  readonly status: number;
  readonly extensions: Record<string, unknown>;

  constructor(
    status: number,
    code: string,
    title: string,
    extensions: Record<string, unknown> = {},
    cause?: unknown,
  ) {
    super(title, { code, retryable: status >= 500, cause });
    this.name = "HttpProblem";
    this.status = status;
    this.extensions = extensions;
  }
}

/** Shorthands for the problems every service answers. */
export const problems = {
  badRequest: (detail: string, ext: Record<string, unknown> = {}) =>
    new HttpProblem(400, "bad-request", "The request is invalid", { detail, ...ext }),
  validation: (errors: unknown[], detail = "The request body failed validation") =>
    new HttpProblem(400, "validation-failed", "Validation failed", { detail, errors }),
  unauthorized: (detail = "Missing or invalid credentials") =>
    new HttpProblem(401, "unauthorized", "Unauthorized", { detail }),
  forbidden: (detail = "Not allowed") => new HttpProblem(403, "forbidden", "Forbidden", { detail }),
  notFound: (detail = "Not found") => new HttpProblem(404, "not-found", "Not found", { detail }),
  conflict: (detail: string) => new HttpProblem(409, "conflict", "Conflict", { detail }),
  tooLarge: (limitBytes: number) =>
    new HttpProblem(413, "payload-too-large", "Payload too large", {
      detail: `The body is over ${limitBytes} bytes`,
    }),
  unsupportedMediaType: (detail = "Send application/json") =>
    new HttpProblem(415, "unsupported-media-type", "Unsupported media type", { detail }),
  tooManyRequests: (retryAfterSeconds: number) =>
    new HttpProblem(429, "rate-limited", "Too many requests", {
      detail: `Retry after ${retryAfterSeconds} s`,
      retryAfter: retryAfterSeconds,
    }),
  unavailable: (detail: string, cause?: unknown) =>
    new HttpProblem(503, "unavailable", "Service unavailable", { detail }, cause),
};

/** Writes a problem+json response. */
export function problemResponse(c: Context, problem: Problem): Response {
  const headers: Record<string, string> = { "content-type": "application/problem+json" };
  if (typeof problem.retryAfter === "number") headers["retry-after"] = String(problem.retryAfter);
  return c.body(JSON.stringify(problem), problem.status as ContentfulStatusCode, headers);
}

/** The problem body of an HttpProblem. */
export function toProblem(error: HttpProblem, instance?: string): Problem {
  return {
    type: `${PROBLEM_BASE}${error.code}`,
    title: error.message,
    status: error.status,
    ...(instance ? { instance } : {}),
    ...error.extensions,
  };
}
