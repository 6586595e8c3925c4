import type { OpenApiFragment } from "@loginguard/http";

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});

const html = (description: string) => ({ description, content: { "text/html": {} } });

const staff = {
  type: "object",
  required: ["id", "email", "role", "createdAt"],
  properties: {
    id: { type: "string" },
    email: { type: "string", format: "email" },
    role: { type: "string", enum: ["support", "admin"] },
    createdAt: { type: "string", format: "date-time" },
    createdBy: { type: ["string", "null"] },
    lastSignInAt: { type: ["string", "null"], format: "date-time" },
  },
};

const staffSession = [{ staffSession: [] }, { adminApiKey: [] }];

/** The portal's part of `/openapi.json`. */
export const portalOpenApi: OpenApiFragment = {
  paths: {
    "/me": {
      get: {
        summary: "The player's login history page (HTML)",
        description:
          'Needs the lg_player cookie set by /auth/player. `?answer=<eventId>` opens the "Was this you?" question of a notification; `?lang=ko|en` switches and remembers the language.',
        responses: { "200": html("The page"), "401": html("Not signed in: how to sign in") },
      },
    },
    "/auth/player": {
      get: {
        summary: "Player sign-in with a token from the game (sets the lg_player cookie)",
        parameters: [
          { name: "token", in: "query", required: true, schema: { type: "string" } },
          { name: "answer", in: "query", schema: { type: "string", maxLength: 128 } },
        ],
        responses: {
          "303": { description: "Cookie set (HttpOnly, SameSite=Strict, Secure in production); on to /me" },
          "401": html("The token is invalid or expired"),
        },
      },
    },
    "/dev/sign-in": {
      get: {
        summary: "Development sign-in as any player (absent when NODE_ENV=production)",
        responses: { "200": html("A form"), "404": problem("Production") },
      },
    },
    "/console": {
      get: {
        summary: "The support console (HTML)",
        description: "Also /console/accounts/{accountId}, /console/outbox and /console/staff (admins).",
        responses: { "200": html("The console"), "401": html("The staff sign-in form") },
      },
    },
    "/v1/staff/sessions": {
      post: {
        summary: "Staff sign-in: sets the lg_staff cookie and answers the CSRF token",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["email", "password"],
                properties: { email: { type: "string" }, password: { type: "string" } },
              },
            },
          },
        },
        responses: {
          "200": {
            description: "Signed in; send csrfToken as x-csrf-token with every change",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: { csrfToken: { type: "string" }, staff },
                },
              },
            },
          },
          "401": problem("Wrong email or password (the same answer for both)"),
          "429": problem("Too many failures for this email or address; see Retry-After"),
        },
      },
      get: {
        summary: "Who is signed in, and the session's CSRF token",
        security: staffSession,
        responses: { "200": { description: "The staff member" }, "401": problem("No session") },
      },
      delete: {
        summary: "Staff sign-out (needs x-csrf-token)",
        security: staffSession,
        responses: { "204": { description: "Signed out" }, "403": problem("Missing CSRF token") },
      },
    },
    "/v1/admin/staff": {
      get: {
        summary: "Staff accounts (admin)",
        security: staffSession,
        responses: { "200": { description: "`{items: [staff]}`" }, "403": problem("Not an admin") },
      },
      post: {
        summary: "Add a staff account (admin session with x-csrf-token, or an admin API key)",
        security: staffSession,
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["email", "role", "password"],
                properties: {
                  email: { type: "string", format: "email" },
                  role: { type: "string", enum: ["support", "admin"] },
                  password: { type: "string", minLength: 12 },
                },
              },
            },
          },
        },
        responses: {
          "201": {
            description: "Created",
            content: { "application/json": { schema: { type: "object", properties: { staff } } } },
          },
          "400": problem("Invalid email, role or password"),
          "409": problem("The email has an account"),
        },
      },
    },
    "/v1/admin/staff/{id}": {
      patch: {
        summary: "Change a staff member's role or disable them (admin), with a reason",
        description:
          "Audited (staff_role_changed, staff_disabled). Signs the member out of every session at once: " +
          "every service refuses their cookies as soon as it reads the audit event.",
        security: staffSession,
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["reason"],
                properties: {
                  role: { type: "string", enum: ["support", "admin"] },
                  disabled: { const: true },
                  reason: { type: "string", minLength: 1, maxLength: 2000 },
                },
              },
            },
          },
        },
        responses: {
          "200": { description: "The account as it is now" },
          "400": problem("No change or no reason"),
          "404": problem("No such staff account"),
        },
      },
    },
    "/v1/overview": {
      get: {
        summary: "Console overview: logins per minute, decisions by rule, locked accounts, dead letters",
        description:
          "Decisions and locks come from the portal's consumer of security.decided and account.changed. Logins, dead letters and notifications come from this process's metrics: the whole pipeline in embedded mode, this process only in distributed mode (processCounters says which).",
        security: staffSession,
        responses: { "200": { description: "The overview" }, "401": problem("No session") },
      },
    },
  },
  components: {
    securitySchemes: {
      staffSession: { type: "apiKey", in: "cookie", name: "lg_staff" },
      adminApiKey: { type: "http", scheme: "bearer" },
    },
  },
};
