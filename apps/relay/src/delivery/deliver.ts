import { permanentError, retryableError } from "@loginguard/errors";
import type { CloudEvent } from "@loginguard/events";
import type { Route } from "../routes/route";
import { type Answer, parseAnswer } from "./answer";
import { cloudEventRequestHeaders } from "./headers";
import { type HttpAnswer, type HttpClient, sharedHttpClient } from "./http-client";

/** An answer body larger than this is refused (it could not be published as one record anyway). */
export const MAX_ANSWER_BYTES = 1024 * 1024;
/** How much of an error answer's body goes into the error (and so the `dlq_error` header). */
export const ERROR_BODY_CHARS = 500;

export interface DeliveryOptions {
  /** Aborted when the stage stops: the attempt is abandoned and not committed. */
  signal: AbortSignal;
  /** `Authorization: Bearer <token>` when the route has `auth`. */
  token?: string;
  /** The route's connections (keep-alive, bounded by its concurrency). Default: one shared client. */
  client?: HttpClient;
}

/**
 * POSTs one event to the route's endpoint with the CloudEvents HTTP binding (binary mode) and
 * says what came back (docs/ARCHITECTURE.md section 8):
 *
 * - 2xx: in stream mode the answer to publish, or undefined for `204` or an empty body; in sink
 *   mode always undefined;
 * - 5xx, 408, 429, a timeout (`timeoutMs`) or no connection: throws a retryable error, so the
 *   stage runtime retries with backoff and commits nothing while the endpoint is down;
 * - any other status (4xx, a redirect): throws a permanent error carrying the status and the
 *   start of the body, so the event is dead-lettered with the reason.
 */
export async function deliver(
  route: Route,
  event: CloudEvent,
  options: DeliveryOptions,
): Promise<Answer | undefined> {
  const timeout = AbortSignal.timeout(route.timeoutMs);
  const signal = AbortSignal.any([options.signal, timeout]);
  const headers: Record<string, string> = {
    ...route.headers,
    ...cloudEventRequestHeaders(event),
    "user-agent": "loginguard-relay",
  };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const context = { route: route.name, ceId: event.id };
  const client = options.client ?? sharedHttpClient();

  let answer: HttpAnswer;
  try {
    answer = await client.post(
      new URL(route.endpoint),
      headers,
      JSON.stringify(event.data),
      signal,
      MAX_ANSWER_BYTES,
    );
  } catch (err) {
    if (options.signal.aborted) throw options.signal.reason ?? err;
    if (timeout.aborted) {
      throw retryableError(
        `endpoint ${route.endpoint} did not answer within ${route.timeoutMs} ms`,
        "endpoint_timeout",
        context,
        err,
      );
    }
    throw retryableError(
      `endpoint ${route.endpoint} unreachable: ${networkReason(err)}`,
      "endpoint_unavailable",
      context,
      err,
    );
  }

  const { status, body } = answer;
  if (answer.tooLarge) throw tooLarge(route, status);
  if (status >= 200 && status < 300) {
    if (route.mode === "sink" || status === 204 || body.length === 0) return undefined;
    return parseAnswer(answer.headers, body);
  }
  const excerpt = body.length > ERROR_BODY_CHARS ? `${body.slice(0, ERROR_BODY_CHARS)}…` : body;
  const message = `endpoint ${route.endpoint} answered ${status}${excerpt ? `: ${excerpt}` : ""}`;
  if (status === 408 || status === 429 || status >= 500) {
    throw retryableError(message, "endpoint_unavailable", { ...context, status });
  }
  throw permanentError(message, "endpoint_rejected", { ...context, status, body: excerpt });
}

function tooLarge(route: Route, status: number): Error {
  const error = `endpoint ${route.endpoint} answered ${status} with a body over ${MAX_ANSWER_BYTES} bytes`;
  // Only a 2xx answer is published; an oversized error page is still an error of its status.
  return status >= 500 || status === 408 || status === 429
    ? retryableError(error, "endpoint_unavailable", { route: route.name, status })
    : permanentError(error, status >= 200 && status < 300 ? "endpoint_bad_answer" : "endpoint_rejected", {
        route: route.name,
        status,
      });
}

/** `ECONNREFUSED`, `ECONNRESET`, ... */
function networkReason(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" ? code : err instanceof Error ? err.message : String(err);
}
