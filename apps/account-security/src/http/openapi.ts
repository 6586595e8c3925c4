import type { OpenApiFragment } from "@loginguard/http";
import { z } from "zod";
import { GameAnswerBody, LinkAnswerBody, LinkViewBody } from "./answer-routes";
import { AnswerBody, ChallengeBody, SettingsBody, StaffUnlockBody, VerifyBody } from "./bodies";
import { privacyPaths, privacySchemas } from "./privacy-openapi";

/** A request body's JSON Schema, generated from the zod schema the route validates with. */
function body(schema: z.ZodType) {
  const { $schema: _drop, ...json } = z.toJSONSchema(schema, { io: "input" }) as Record<string, unknown>;
  return { required: true, content: { "application/json": { schema: json } } };
}

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});
const json = (description: string, schema: Record<string, unknown> = { type: "object" }) => ({
  description,
  content: { "application/json": { schema } },
});
const accountIdParam = {
  name: "accountId",
  in: "path",
  required: true,
  schema: { type: "string", maxLength: 128 },
};
const player = [{ playerToken: [] }];
const staff = [{ staffSession: [] }, { adminKey: [] }];
const unauthorized = problem("No valid player token, staff session or admin key");

/** The part of the OpenAPI document account-security contributes. */
export const accountSecurityOpenApi: OpenApiFragment = {
  paths: {
    "/v1/me/security": {
      get: {
        summary: "The player's lock state, settings and pending unlock code",
        security: player,
        responses: {
          "200": json("The player's own account", { $ref: "#/components/schemas/PlayerSecurity" }),
          "401": unauthorized,
        },
      },
    },
    "/v1/me/settings": {
      put: {
        summary: "Replace the allowed countries and the travel allowance",
        description:
          "ISO 3166-1 alpha-2 codes. `travel.until` must be in the future and at most 90 days away; " +
          "`travel` absent or null ends the allowance. Countries the new settings allow are unblocked. " +
          "Emits account.changed (settings_changed).",
        security: player,
        requestBody: body(SettingsBody),
        responses: {
          "200": json("The new state", { $ref: "#/components/schemas/PlayerSecurity" }),
          "400": problem("Invalid country code or travel date (per-field errors)"),
          "401": unauthorized,
        },
      },
    },
    "/v1/me/logins/{eventId}/answer": {
      post: {
        summary: '"Was this you?" for one of the player\'s recent successful sign-ins',
        description:
          "yes: the sign-in's country joins the account's known countries. no: the account is locked, the " +
          "account's live sessions are kicked (security.decided with player_denied_login) and the player is told how " +
          "to unlock. Answering twice changes nothing more.",
        security: player,
        parameters: [
          { name: "eventId", in: "path", required: true, schema: { type: "string", maxLength: 128 } },
        ],
        requestBody: body(AnswerBody),
        responses: {
          "200": json("The answer was recorded"),
          "400": problem("Invalid body"),
          "401": unauthorized,
          "404": problem("No recent successful sign-in of this account has that eventId"),
        },
      },
    },
    "/v1/accounts/{accountId}/answers": {
      post: {
        summary: '"Was this you?" answered in game, sent by the game server',
        description:
          "The game server showed the question in game (the `player.message` webhook or its own UI) and sends " +
          "the player's answer with its ingest key. Idempotent by `loginEventId`: the first answer stands, the " +
          "same answer again answers `repeated: true` and does nothing more, the other answer is `409`. " +
          "yes: the sign-in's country joins the known countries. no: the account is locked, every live " +
          "session of the account is kicked (the `player.kick` webhook with `scope: account`), staff see the " +
          "lock and the answer, and the player is told how to unlock.",
        security: [{ ingestKey: [] }],
        parameters: [accountIdParam],
        requestBody: body(GameAnswerBody),
        responses: {
          "200": json("The answer was recorded (or repeated)", { $ref: "#/components/schemas/Answer" }),
          "400": problem("Invalid body"),
          "401": problem("No valid ingest key"),
          "404": problem("No recent successful sign-in of this account has that eventId"),
          "409": problem("The sign-in was already answered the other way (type already-answered)"),
        },
      },
    },
    "/v1/answer-links/view": {
      post: {
        summary: 'The question behind a "was this you?" link',
        description:
          "The link in an email or SMS carries a signed, single-purpose, expiring token for one sign-in's " +
          "question; it needs no session and opens nothing else. Answers the sign-in (time, country), " +
          "the answer if one was given, and the CSRF token to send with the answer. Rate limited per link.",
        requestBody: body(LinkViewBody),
        responses: {
          "200": json("The question"),
          "400": problem("Invalid body"),
          "401": problem("The link token is damaged, expired or not a link token (type answer-link-invalid)"),
          "404": problem("The sign-in is no longer answerable"),
          "429": problem("Too many requests for this link"),
        },
      },
    },
    "/v1/answer-links/answer": {
      post: {
        summary: 'Answer a "was this you?" link with one click',
        description:
          "Send the token and `x-csrf-token` from `view`. One answer per sign-in, as for the in-game answer.",
        requestBody: body(LinkAnswerBody),
        responses: {
          "200": json("The answer was recorded (or repeated)", { $ref: "#/components/schemas/Answer" }),
          "400": problem("Invalid body"),
          "401": problem("The link token is damaged, expired or not a link token"),
          "403": problem("Missing or wrong x-csrf-token"),
          "404": problem("The sign-in is no longer answerable"),
          "409": problem("The sign-in was already answered the other way"),
          "429": problem("Too many requests for this link"),
        },
      },
    },
    "/v1/me/unlock/challenge": {
      post: {
        summary: "Send a 6-digit unlock code to the player",
        description:
          "The code expires in 10 minutes and accepts 5 tries; a new request replaces the previous code. " +
          "The answer is the same whether the account is locked (a code is sent) or not (nothing is sent), " +
          "and whatever contact data the account has. At most 3 requests per 15 minutes.",
        security: player,
        requestBody: body(ChallengeBody),
        responses: {
          "202": json("Accepted", {
            type: "object",
            properties: {
              status: { const: "accepted" },
              channel: { type: ["string", "null"] },
              expiresAt: { type: "string", format: "date-time" },
            },
          }),
          "401": unauthorized,
          "429": problem("Too many requests (retry-after)"),
        },
      },
    },
    "/v1/me/unlock/verify": {
      post: {
        summary: "Unlock the account with the code",
        security: player,
        requestBody: body(VerifyBody),
        responses: {
          "200": json("Unlocked; emits account.changed (unlocked by the player)"),
          "400": problem("unlock-code-wrong (with triesLeft), unlock-code-expired or unlock-code-missing"),
          "401": unauthorized,
          "429": problem("unlock-tries-exhausted: request a new code"),
        },
      },
    },
    "/v1/accounts/{accountId}/security": {
      get: {
        summary: "Staff: an account's state, settings, unlock code status and decisions with evidence",
        security: staff,
        parameters: [accountIdParam, { name: "lang", in: "query", schema: { enum: ["en", "ko"] } }],
        responses: { "200": json("The account"), "401": unauthorized, "403": problem("Not staff") },
      },
    },
    "/v1/accounts/{accountId}/unlock": {
      post: {
        summary: "Staff: unlock an account with a written reason",
        description:
          "Writes an audit record (staff id and email, account, reason, time, client address), emits " +
          "account.changed (unlocked by staff) and notification.requested (account_unlocked). A session " +
          "must send x-csrf-token.",
        security: staff,
        parameters: [accountIdParam],
        requestBody: body(StaffUnlockBody),
        responses: {
          "200": json("Unlocked"),
          "400": problem("Missing or too long reason"),
          "401": unauthorized,
          "403": problem("Missing or wrong x-csrf-token"),
          "409": problem("account-not-locked"),
        },
      },
    },
    "/v1/audit": {
      get: {
        summary: "Staff: the append-only audit trail, newest first",
        security: staff,
        parameters: [
          { name: "accountId", in: "query", schema: { type: "string" } },
          { name: "actorId", in: "query", description: "The staff member's id", schema: { type: "string" } },
          {
            name: "action",
            in: "query",
            description: "unlock, staff_sign_in, ip_revealed, ...",
            schema: { type: "string" },
          },
          {
            name: "format",
            in: "query",
            description: "csv: the whole filtered trail as text/csv (newest first, at most 50,000 rows)",
            schema: { enum: ["json", "csv"], default: "json" },
          },
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200, default: 50 } },
          { name: "cursor", in: "query", schema: { type: "string" } },
        ],
        responses: {
          "200": json("A page", {
            type: "object",
            properties: { items: { type: "array" }, nextCursor: { type: ["string", "null"] } },
          }),
          "400": problem("Bad limit or cursor"),
          "401": unauthorized,
        },
      },
    },
    ...privacyPaths,
  },
  components: {
    securitySchemes: {
      playerToken: {
        type: "http",
        scheme: "bearer",
        bearerFormat: "JWT",
        description: "Player token (HS256)",
      },
      staffSession: {
        type: "apiKey",
        in: "cookie",
        name: "lg_staff",
        description: "Staff session + x-csrf-token",
      },
      adminKey: { type: "http", scheme: "bearer", description: "An admin API key from ADMIN_API_KEYS" },
      ingestKey: { type: "http", scheme: "bearer", description: "An ingest API key from INGEST_API_KEYS" },
    },
    schemas: {
      Answer: {
        type: "object",
        properties: {
          loginEventId: { type: "string" },
          answer: { type: "string", enum: ["yes", "no"] },
          via: { type: "string", enum: ["link", "game", "page"] },
          country: { type: ["string", "null"] },
          loginOccurredAt: { type: "string", format: "date-time" },
          answeredAt: { type: "string", format: "date-time" },
          repeated: { type: "boolean", description: "true when this answer had been given before" },
          locked: { type: "boolean" },
          knownCountries: { type: "array", items: { type: "string" } },
        },
      },
      ...privacySchemas,
      PlayerSecurity: {
        type: "object",
        properties: {
          accountId: { type: "string" },
          locked: { type: "boolean" },
          lockedAt: { type: ["string", "null"], format: "date-time" },
          reason: { type: ["string", "null"] },
          blockedCountries: { type: "array", items: { type: "string" } },
          allowedCountries: { type: "array", items: { type: "string" } },
          travel: {
            oneOf: [
              { type: "null" },
              { type: "object", properties: { country: { type: "string" }, until: { type: "string" } } },
            ],
          },
          knownCountries: { type: "array", items: { type: "string" } },
          unlock: { type: ["object", "null"], description: "The pending code's expiry and tries left" },
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
