import type { OpenApiFragment } from "@loginguard/http";

const problem = { description: "Problem details (RFC 9457)", content: { "application/problem+json": {} } };
const accountId = {
  name: "accountId",
  in: "path",
  required: true,
  schema: { type: "string", maxLength: 128 },
};
const limit = {
  name: "limit",
  in: "query",
  required: false,
  schema: { type: "integer", minimum: 1, maximum: 200, default: 50 },
};
const contact = { content: { "application/json": { schema: { $ref: "#/components/schemas/Contact" } } } };

/** The responder's part of the OpenAPI document. */
export const responderOpenApi: OpenApiFragment = {
  paths: {
    "/v1/accounts/{accountId}/contact": {
      put: {
        summary: "Set where to reach a player (game platforms)",
        description:
          "Ingest/service API key. A field left out stays as it is; null removes it. Email, SMS and in-game messages use it, in the given language (default en).",
        security: [{ apiKey: [] }],
        parameters: [accountId],
        requestBody: {
          required: true,
          content: { "application/json": { schema: { $ref: "#/components/schemas/ContactUpdate" } } },
        },
        responses: {
          "200": { description: "The stored contact", ...contact },
          "400": problem,
          "401": problem,
        },
      },
      get: {
        summary: "A player's contact (staff)",
        security: [{ staffSession: [] }, { adminApiKey: [] }],
        parameters: [accountId],
        responses: { "200": { description: "The contact", ...contact }, "401": problem, "404": problem },
      },
      delete: {
        summary: "Forget a player's contact (game platforms)",
        security: [{ apiKey: [] }],
        parameters: [accountId],
        responses: { "204": { description: "Removed" }, "401": problem, "404": problem },
      },
    },
    "/v1/accounts/{accountId}/notifications": {
      get: {
        summary: "What was sent to a player, per channel, with delivery status (staff)",
        security: [{ staffSession: [] }, { adminApiKey: [] }],
        parameters: [accountId, limit],
        responses: { "200": { description: "Newest first: `{items: [...]}`" }, "401": problem },
      },
    },
    "/v1/outbox": {
      get: {
        summary: "Messages kept locally when no SMTP server or Twilio is configured (staff)",
        security: [{ staffSession: [] }, { adminApiKey: [] }],
        parameters: [{ name: "accountId", in: "query", required: false, schema: { type: "string" } }, limit],
        responses: { "200": { description: "Newest first: `{items: [...]}`" }, "401": problem },
      },
    },
  },
  components: {
    schemas: {
      ContactUpdate: {
        type: "object",
        additionalProperties: false,
        properties: {
          email: { type: ["string", "null"], format: "email", maxLength: 254 },
          phone: { type: ["string", "null"], pattern: "^\\+[1-9]\\d{6,14}$", description: "E.164" },
          language: { type: ["string", "null"], enum: ["ko", "en", null] },
        },
      },
      Contact: {
        type: "object",
        properties: {
          accountId: { type: "string" },
          email: { type: ["string", "null"] },
          phone: { type: ["string", "null"] },
          language: { type: ["string", "null"], enum: ["ko", "en", null] },
          updatedAt: { type: "string", format: "date-time" },
        },
      },
    },
    securitySchemes: {
      apiKey: { type: "http", scheme: "bearer", description: "An INGEST_API_KEYS key" },
      adminApiKey: { type: "http", scheme: "bearer", description: "An ADMIN_API_KEYS key" },
      staffSession: { type: "apiKey", in: "cookie", name: "lg_staff" },
    },
  },
};
