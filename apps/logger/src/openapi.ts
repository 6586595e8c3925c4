import type { OpenApiFragment } from "@loginguard/http";

const nullable = (type: string, extra: Record<string, unknown> = {}) => ({ type: [type, "null"], ...extra });

const pageParameters = [
  {
    name: "limit",
    in: "query",
    schema: { type: "integer", minimum: 1, maximum: 100, default: 20 },
    description: "Lines per page.",
  },
  {
    name: "cursor",
    in: "query",
    schema: { type: "string" },
    description: "`nextCursor` of the previous page.",
  },
  {
    name: "lang",
    in: "query",
    schema: { type: "string", enum: ["en", "ko"] },
    description: "Language of `explanation` and `countryName`; default from Accept-Language, else English.",
  },
];

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});

const notification = {
  type: "object",
  required: ["channel", "kind", "outcome", "at"],
  properties: {
    channel: { type: "string", enum: ["email", "sms", "in_game", "webhook"] },
    kind: { type: "string", examples: ["notification", "player.kick"] },
    outcome: { type: "string", enum: ["delivered", "failed", "skipped"] },
    at: { type: "string", format: "date-time" },
  },
};

const item = {
  type: "object",
  required: [
    "eventId",
    "occurredAt",
    "result",
    "country",
    "ipMasked",
    "device",
    "action",
    "reasons",
    "explanation",
  ],
  properties: {
    eventId: { type: "string" },
    occurredAt: { type: "string", format: "date-time" },
    result: { type: "string", enum: ["success", "failure"] },
    failureReason: nullable("string"),
    country: nullable("string", { description: "ISO 3166-1 alpha-2; null when unknown or private." }),
    countryName: nullable("string"),
    ipMasked: nullable("string", {
      description: "IPv4 with the last octet hidden (203.0.113.x), IPv6 with the last 80 bits hidden.",
    }),
    device: nullable("string", { description: "A short description: browser and system, or client name." }),
    deviceId: nullable("string"),
    userAgent: nullable("string"),
    action: nullable("string", {
      enum: ["notify", "kick", "block", "lock", null],
      description: "The strongest action enforced for this login.",
    }),
    reasons: { type: "array", items: { type: "string" }, description: "Rule codes, e.g. new_country." },
    explanation: nullable("string", { description: "The action and reasons in the reader's language." }),
    notifications: { type: "array", items: notification },
  },
};

const staffItem = {
  allOf: [
    { $ref: "#/components/schemas/LoginHistoryItem" },
    {
      type: "object",
      properties: {
        ipRevealable: {
          type: "boolean",
          description: "A full IP is still kept (see the reveal); false once reduced.",
        },
        ipClass: { type: "string", enum: ["public", "private", "reserved", "invalid"] },
        gameId: nullable("string"),
        serverId: nullable("string"),
        correlationId: { type: "string" },
        receivedAt: { type: "string", format: "date-time" },
        recordedAt: { type: "string", format: "date-time" },
        context: { type: "object", description: "The history context sent to account-security." },
        decisions: {
          type: "array",
          items: {
            type: "object",
            properties: {
              decisionId: { type: "string" },
              action: nullable("string"),
              actions: { type: "array", items: { type: "string" } },
              reasons: {
                type: "array",
                items: {
                  type: "object",
                  properties: {
                    code: { type: "string" },
                    action: { type: "string" },
                    mode: { type: "string", enum: ["enforce", "shadow"] },
                    evidence: { type: "object" },
                  },
                },
              },
              channels: { type: "array", items: { type: "string" } },
              decidedAt: { type: "string", format: "date-time" },
              explanation: { type: "string" },
            },
          },
        },
        notifications: {
          type: "array",
          items: {
            allOf: [
              notification,
              {
                type: "object",
                properties: {
                  decisionId: { type: "string" },
                  providerId: nullable("string"),
                  detail: nullable("string"),
                },
              },
            ],
          },
        },
      },
    },
  ],
};

const page = (itemRef: string) => ({
  type: "object",
  required: ["items", "nextCursor"],
  properties: {
    items: { type: "array", items: { $ref: itemRef } },
    nextCursor: nullable("string"),
  },
});

/** The history API's part of `/openapi.json`. */
export const loggerOpenApi: OpenApiFragment = {
  paths: {
    "/v1/me/logins": {
      get: {
        summary: "The signed-in player's login history, newest first",
        tags: ["players"],
        security: [{ playerToken: [] }, { playerCookie: [] }],
        parameters: pageParameters,
        responses: {
          "200": {
            description: "A page of the history",
            content: { "application/json": { schema: page("#/components/schemas/LoginHistoryItem") } },
          },
          "400": problem("Bad limit or cursor"),
          "401": problem("No valid player token"),
          "503": problem("The history store is unavailable"),
        },
      },
    },
    "/v1/accounts/{accountId}/logins": {
      get: {
        summary: "An account's login history for support staff (masked IPs; full IP only through the reveal)",
        tags: ["staff"],
        security: [{ staffSession: [] }, { adminApiKey: [] }],
        parameters: [
          { name: "accountId", in: "path", required: true, schema: { type: "string", maxLength: 128 } },
          ...pageParameters,
        ],
        responses: {
          "200": {
            description: "A page of the history",
            content: { "application/json": { schema: page("#/components/schemas/StaffLoginHistoryItem") } },
          },
          "400": problem("Bad limit, cursor or accountId"),
          "401": problem("No staff session or admin key"),
          "503": problem("The history store is unavailable"),
        },
      },
    },
    "/v1/accounts/{accountId}/logins/{eventId}/ip": {
      post: {
        summary: "Reveal one login's full IP, with a written reason (audited: ip_revealed)",
        description:
          "The audit record (staff member, account, login, reason, time) is written before the answer; " +
          "when it cannot be, no IP is given (503). A session must send x-csrf-token.",
        tags: ["staff"],
        security: [{ staffSession: [] }, { adminApiKey: [] }],
        parameters: [
          { name: "accountId", in: "path", required: true, schema: { type: "string", maxLength: 128 } },
          { name: "eventId", in: "path", required: true, schema: { type: "string", maxLength: 128 } },
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["reason"],
                properties: { reason: { type: "string", minLength: 1, maxLength: 2000 } },
              },
            },
          },
        },
        responses: {
          "200": { description: "`{eventId, ip, retained}`; ip null once reduced by retention" },
          "400": problem("No reason"),
          "401": problem("No staff session or admin key"),
          "403": problem("Missing or wrong x-csrf-token"),
          "404": problem("No such login on this account"),
          "503": problem("The reveal cannot be audited now"),
        },
      },
    },
  },
  components: {
    schemas: {
      LoginHistoryItem: item,
      StaffLoginHistoryItem: staffItem,
      Problem: {
        type: "object",
        description: "RFC 9457 problem details",
        properties: {
          type: { type: "string" },
          title: { type: "string" },
          status: { type: "integer" },
          detail: { type: "string" },
        },
      },
    },
    securitySchemes: {
      playerToken: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
      playerCookie: { type: "apiKey", in: "cookie", name: "lg_player" },
      staffSession: { type: "apiKey", in: "cookie", name: "lg_staff" },
      adminApiKey: { type: "http", scheme: "bearer" },
    },
  },
};
