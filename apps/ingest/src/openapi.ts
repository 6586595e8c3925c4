import type { OpenApiFragment } from "@loginguard/http";
import { MAX_BATCH_LOGINS } from "./login-body";

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});
const retryAfter = { "retry-after": { schema: { type: "integer" }, description: "Seconds to wait" } };

/** The part of the OpenAPI document ingest contributes. */
export const ingestOpenApi: OpenApiFragment = {
  paths: {
    "/v1/logins": {
      post: {
        summary: "Report login attempts (one, or a batch of up to 1000)",
        description:
          "Publishes each login to login.attempted and answers 202 only after the event log acknowledged all of them. " +
          "A batch with any invalid login is rejected whole. The same eventId sent again by the same key within the " +
          "dedupe window is answered 202 without being published again. Unknown fields are rejected. Rate limited per key in events/s.",
        security: [{ ingestKey: [] }],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                oneOf: [
                  { $ref: "#/components/schemas/Login" },
                  {
                    type: "object",
                    additionalProperties: false,
                    required: ["events"],
                    properties: {
                      events: {
                        type: "array",
                        minItems: 1,
                        maxItems: MAX_BATCH_LOGINS,
                        items: { $ref: "#/components/schemas/Login" },
                      },
                    },
                  },
                ],
              },
            },
          },
        },
        responses: {
          "202": {
            description: "Stored in the event log",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["accepted", "eventIds"],
                  properties: {
                    accepted: { type: "integer", description: "Logins in the request" },
                    eventIds: {
                      type: "array",
                      items: { type: "string" },
                      description: "One per login, in request order (generated ones included)",
                    },
                  },
                },
              },
            },
          },
          "400": problem("Invalid body; `errors` lists `{index, path, message}` per invalid field"),
          "401": problem("Missing or wrong ingest key"),
          "413": problem("Body over 1 MiB"),
          "415": problem("Body not declared as JSON"),
          "429": { ...problem("Over the key's events/s"), headers: retryAfter },
          "503": {
            ...problem("The event log cannot take writes; nothing was accepted"),
            headers: retryAfter,
          },
        },
      },
    },
    "/v1/accounts/{accountId}/status": {
      get: {
        summary: "An account's lock and country state, for login servers",
        description: [
          "Answered from memory, kept up to date from account.changed (applied only when its version is not older than the one held) and ip.flagged.",
          "It never answers `locked: false` as a fact it does not have:",
          "- `200` without `stale`: the state as of every change written before this process started, plus what came since. An account it never heard of is unlocked with empty lists.",
          '- `200` with `"stale": true`: the best state it knows, but a newer change may not be applied yet (the cache is still replaying after a start), or, for an unknown account, unlocked entries were dropped to stay within INGEST_STATUS_MAX_ACCOUNTS (locked accounts are never dropped, so `locked: false` still holds, but country lists may be missing).',
          "- `503` `status-not-ready` with `retry-after`: the cache is still replaying and holds nothing for this account yet; it may be locked on a partition not read yet.",
          "",
          "Game servers: honour `locked: true` whether stale or not (kick or refuse the login). On `503`, retry after `retry-after` seconds (a replay takes seconds); if the login cannot wait, treat the account as you would an unknown status under your own policy: use your last known status for it when you have one, never assume unlocked for an account you saw locked. A stale `locked: false` may let a login through whose lock is a moment away: loginguard still decides on every login you report and kicks the session if it locks. Send every login regardless of the status answer.",
        ].join("\n"),
        security: [{ ingestKey: [] }],
        parameters: [
          { name: "accountId", in: "path", required: true, schema: { type: "string", maxLength: 128 } },
          {
            name: "ip",
            in: "query",
            required: false,
            schema: { type: "string" },
            description: "Adds ipFlagged: whether this IP failed on many accounts (credential stuffing)",
          },
        ],
        responses: {
          "200": {
            description: "The account's status",
            content: { "application/json": { schema: { $ref: "#/components/schemas/AccountStatus" } } },
          },
          "400": problem(
            "accountId too long or holding control characters or invalid UTF-8, or ip not an IP address",
          ),
          "401": problem("Missing or wrong ingest key"),
          "503": {
            ...problem("status-not-ready: the cache is still replaying and does not know this account yet"),
            headers: retryAfter,
          },
        },
      },
    },
  },
  components: {
    securitySchemes: {
      ingestKey: { type: "http", scheme: "bearer", description: "An ingest API key from INGEST_API_KEYS" },
    },
    schemas: {
      Login: {
        type: "object",
        additionalProperties: false,
        required: ["accountId", "occurredAt", "ip", "result"],
        properties: {
          eventId: { type: "string", maxLength: 128, description: "Idempotency key; generated when absent" },
          accountId: { type: "string", minLength: 1, maxLength: 128 },
          occurredAt: {
            type: "string",
            format: "date-time",
            description: "RFC 3339 with offset; at most 1 day ahead and 365 days back",
          },
          ip: { type: "string", description: "IPv4 or IPv6 address, no port" },
          result: { type: "string", enum: ["success", "failure"] },
          failureReason: {
            type: ["string", "null"],
            description: "Free text: control characters removed, cut to 128 characters",
          },
          gameId: { type: ["string", "null"], maxLength: 128 },
          serverId: { type: ["string", "null"], maxLength: 128 },
          sessionId: { type: ["string", "null"], maxLength: 256, description: "Needed to kick the session" },
          deviceId: {
            type: ["string", "null"],
            description:
              "Free text: control characters removed, cut to 256 characters, never refused for its content",
          },
          userAgent: {
            type: ["string", "null"],
            description:
              "Free text: control characters removed, cut to 512 characters, never refused for its content",
          },
        },
      },
      AccountStatus: {
        type: "object",
        required: ["locked", "lockedAt", "reason", "blockedCountries", "allowedCountries", "travel"],
        properties: {
          locked: { type: "boolean" },
          lockedAt: { type: ["string", "null"], format: "date-time" },
          reason: { type: ["string", "null"] },
          blockedCountries: { type: "array", items: { type: "string" } },
          allowedCountries: { type: "array", items: { type: "string" } },
          travel: {
            oneOf: [
              {
                type: "object",
                properties: { country: { type: "string" }, until: { type: "string", format: "date-time" } },
              },
              { type: "null" },
            ],
          },
          ipFlagged: { type: "boolean", description: "Present when ?ip= was given" },
          stale: {
            type: "boolean",
            enum: [true],
            description:
              "Present (true) when a newer change may not be applied yet; honour locked: true, re-check locked: false",
          },
        },
      },
      Problem: {
        type: "object",
        required: ["type", "title", "status"],
        properties: {
          type: { type: "string" },
          title: { type: "string" },
          status: { type: "integer" },
          detail: { type: "string" },
          errors: { type: "array", items: { type: "object" } },
        },
      },
    },
  },
};
