import { acceptAny, type CustomStageDefinition, type Emit } from "@loginguard/bus";
import { type CloudEvent, deriveEventId } from "@loginguard/events";
import type { Logger } from "@loginguard/observability";
import { deliver } from "./delivery/deliver";
import type { HttpClient } from "./delivery/http-client";
import { type Route, stageNameOf } from "./routes/route";

export interface RelayStageOptions {
  /** The bearer token when the route has `auth` (read from the relay's environment). */
  token?: string;
  /** The route's keep-alive connections; default: a client shared by every caller. */
  client?: HttpClient;
  /** Resolves once the output topic exists (stream mode); see `topicGuard`. */
  outputReady?: () => Promise<void>;
  logger?: Logger;
}

/**
 * The stage of one route: consumer group `relay-<name>` on the route's input, events of any
 * type (`acceptAny`), at most `concurrency` events in flight (one key's events in order), the
 * route's backoff. Each event is POSTed to the endpoint (see `deliver`); in stream mode an answer
 * becomes an event on the output topic with the input's key and correlation id and an id derived
 * from the route and the input id, so a redelivered input yields the same output id.
 */
export function relayStage(route: Route, options: RelayStageOptions = {}): CustomStageDefinition<CloudEvent> {
  const stage = stageNameOf(route);
  const types = route.types ? new Set(route.types) : undefined;
  return {
    name: stage,
    input: route.input,
    ...(route.output ? { outputs: [route.output] } : {}),
    decode: acceptAny,
    maxInFlight: route.concurrency,
    retry: { initialMs: route.retry.initialMs, maxMs: route.retry.maxMs },
    fromBeginning: route.start !== "latest",
    ...(options.logger ? { logger: options.logger } : {}),
    async handle(event, ctx): Promise<Emit | undefined> {
      // Other types are skipped: nothing is sent and the runtime commits past them.
      if (types && !types.has(event.type)) return undefined;
      const answer = await deliver(route, event, {
        signal: ctx.signal,
        ...(options.token === undefined ? {} : { token: options.token }),
        ...(options.client ? { client: options.client } : {}),
      });
      if (!answer || route.mode === "sink" || !route.output) return undefined;
      await options.outputReady?.();
      return {
        topic: route.output,
        event: {
          id: deriveEventId(stage, event.id, "answer"),
          type: answer.type,
          source: answer.source ?? `loginguard/${stage}`,
          time: answer.time ?? new Date().toISOString(),
          subject: event.subject,
          correlationId: event.correlationId,
          data: answer.data,
        },
      };
    },
  };
}
