import type { AuthVariables } from "@loginguard/auth";
import type { Bus, OutgoingRecord } from "@loginguard/bus";
import { describeError } from "@loginguard/errors";
import { EVENT_TYPES, encodeEvent, type LoginAttempted, makeEvent, TOPICS } from "@loginguard/events";
import { HttpProblem, problemResponse, problems, readJsonBody, toProblem } from "@loginguard/http";
import { type Logger, type Span, startSpan, traceparentOf } from "@loginguard/observability";
import type { Context } from "hono";
import { loginItemsOf, validateLogins } from "../login-body";
import type { EventRateLimiter } from "../rate-limiter";
import type { RecentEvents } from "../recent-events";

/** `ce_source` of every login ingest publishes. */
export const INGEST_SOURCE = "loginguard/ingest";
/** Seconds a client is told to wait when the event log cannot take writes. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 2;
/** At most one log line per this interval about a failing event log (an outage is not a flood). */
const LOG_INTERVAL_MS = 10_000;

export interface PostLoginsDeps {
  bus: Bus;
  limiter: EventRateLimiter;
  recent: RecentEvents;
  publishTimeoutMs: number;
  logger: Logger;
  now: () => number;
}

class PublishTimeout extends Error {
  override name = "PublishTimeout";
}

/**
 * `POST /v1/logins` (docs/ARCHITECTURE.md section 6): authenticate (middleware), parse, count events
 * against the key's rate, validate all or nothing, skip ids accepted recently, publish the rest
 * in ONE `bus.publish`, and answer 202 only once it resolved.
 */
export function postLogins(deps: PostLoginsDeps) {
  let lastFailureLogAt = Number.NEGATIVE_INFINITY;

  return async (c: Context): Promise<Response> => {
    const keyName = (c.var as AuthVariables).apiKeyName;
    const body = await readJsonBody(c);
    const shape = loginItemsOf(body);
    if (!shape.ok) throw problems.badRequest(shape.message);

    const rate = deps.limiter.take(keyName, shape.items.length);
    if (!rate.ok) throw problems.tooManyRequests(rate.retryAfterSeconds);

    const now = deps.now();
    const checked = validateLogins(shape.items, {
      now,
      receivedAt: new Date(now).toISOString(),
      source: keyName,
    });
    if (!checked.ok) {
      const detail =
        `${checked.invalidItems} of ${shape.items.length} login(s) are invalid; nothing was accepted` +
        (checked.totalErrors > checked.errors.length
          ? ` (${checked.errors.length} of ${checked.totalErrors} errors listed)`
          : "");
      throw problems.validation(checked.errors, detail);
    }

    const eventIds = new Array<string>(checked.logins.length);
    // One trace per login: a child of the game server's traceparent when it sent one.
    const incoming = c.req.header("traceparent");
    const spans: Span[] = [];
    const records: OutgoingRecord[] = [];
    const newIds: string[] = [];
    const waits: Promise<void>[] = [];
    const inRequest = checked.logins.length > 1 ? new Set<string>() : undefined;
    for (let i = 0; i < checked.logins.length; i++) {
      const login = checked.logins[i]!;
      const id = login.eventId;
      eventIds[i] = id;
      if (inRequest) {
        if (inRequest.has(id)) continue;
        inRequest.add(id);
      }
      const state = deps.recent.state(keyName, id);
      if (state.kind === "accepted") continue;
      if (state.kind === "pending") waits.push(state.stored);
      else {
        const span = startSpan("ingest", incoming, { "loginguard.login_id": id });
        spans.push(span);
        records.push(recordOf(login, traceparentOf(span)));
        newIds.push(id);
      }
    }

    if (records.length > 0) {
      const stored = deps.bus.publish(records);
      stored.then(
        () => {
          for (const s of spans) s.end();
        },
        () => {
          for (const s of spans) s.end();
        },
      );
      deps.recent.track(keyName, newIds, stored);
      waits.push(stored);
    }
    if (waits.length > 0) {
      try {
        await withTimeout(waits.length === 1 ? waits[0]! : Promise.all(waits), deps.publishTimeoutMs);
      } catch (err) {
        if (deps.now() - lastFailureLogAt >= LOG_INTERVAL_MS) {
          lastFailureLogAt = deps.now();
          deps.logger.error(
            { err: describeError(err), events: records.length },
            "the event log did not take the logins; answering 503",
          );
        }
        // Answered here, not thrown: the error boundary would log every request of an outage.
        return problemResponse(
          c,
          toProblem(
            new HttpProblem(503, "unavailable", "Service unavailable", {
              detail:
                err instanceof PublishTimeout
                  ? "The event log did not acknowledge in time; nothing is confirmed, retry with the same eventIds"
                  : "The event log cannot take writes now; nothing was accepted, retry with the same eventIds",
              retryAfter: UNAVAILABLE_RETRY_AFTER_SECONDS,
            }),
            c.req.path,
          ),
        );
      }
    }
    return c.json({ accepted: eventIds.length, eventIds }, 202);
  };
}

/** The `login.attempted` record of a login: ce_id and correlation id are its eventId. */
function recordOf(login: LoginAttempted, traceparent: string | undefined): OutgoingRecord {
  const event = makeEvent({
    id: login.eventId,
    type: EVENT_TYPES.loginAttempted,
    source: INGEST_SOURCE,
    subject: login.accountId,
    correlationId: login.eventId,
    time: login.receivedAt,
    data: login,
  });
  const wire = encodeEvent(traceparent ? { ...event, traceparent } : event);
  return { topic: TOPICS.loginAttempted, key: wire.key, value: wire.value, headers: wire.headers };
}

function withTimeout(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PublishTimeout(`no acknowledgement within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
