import { deriveEmit, type LoginGuardStageDefinition } from "@loginguard/bus";
import { EVENT_TYPES, TOPICS } from "@loginguard/events";
import type { GeoIpReader } from "@loginguard/geoip";
import type { Logger } from "@loginguard/observability";
import { locateLogin } from "./locate";

/** The stage's name: its consumer group and the `ce_source` of what it emits. */
export const IP_CHECKER_STAGE = "ip-checker";

/**
 * `login.attempted` -> `login.located`. Pure CPU and a cached lookup per event, so a per-event
 * handler; an unknown `ce_type` (a v2 among them) or data failing the schema is dead-lettered
 * to `login.attempted.dlq` by the runtime.
 */
export function ipCheckerStage(
  geoip: GeoIpReader,
  options: { maxInFlight?: number; logger?: Logger } = {},
): LoginGuardStageDefinition<typeof EVENT_TYPES.loginAttempted> {
  return {
    name: IP_CHECKER_STAGE,
    input: TOPICS.loginAttempted,
    outputs: [TOPICS.loginLocated],
    accepts: [EVENT_TYPES.loginAttempted],
    ...(options.maxInFlight === undefined ? {} : { maxInFlight: options.maxInFlight }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    handle: (event) =>
      deriveEmit(
        IP_CHECKER_STAGE,
        event,
        TOPICS.loginLocated,
        EVENT_TYPES.loginLocated,
        locateLogin(geoip, event.data),
      ),
  };
}
