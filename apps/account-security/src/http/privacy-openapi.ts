import { z } from "zod";
import { EraseBody } from "./privacy-routes";

const { $schema: _drop, ...eraseBody } = z.toJSONSchema(EraseBody, { io: "input" }) as Record<
  string,
  unknown
>;
const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});
const json = (description: string, ref: string) => ({
  description,
  content: { "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } },
});
const accountIdParam = {
  name: "accountId",
  in: "path",
  required: true,
  schema: { type: "string", maxLength: 128 },
};
const admin = [{ staffSession: [] }, { adminKey: [] }];
const rows = { type: "array", items: { type: "object", additionalProperties: true } };

/** Export and erase (docs/ARCHITECTURE.md section 6, "Support staff"): paths of account-security's fragment. */
export const privacyPaths = {
  "/v1/staff/accounts/{accountId}/export": {
    get: {
      summary: "Admin: everything loginguard holds about an account, from every service, as one document",
      description:
        "Audited (staff member, account, reason, time, client address) before the data is read. Fails " +
        "whole (503) when a service cannot answer: never a partial export presented as complete.",
      security: admin,
      parameters: [
        accountIdParam,
        {
          name: "reason",
          in: "query",
          required: true,
          schema: { type: "string", minLength: 1, maxLength: 2000 },
        },
      ],
      responses: {
        "200": json("The export", "AccountExport"),
        "400": problem("No reason"),
        "401": problem("No staff session or admin key"),
        "403": problem("Not an admin"),
        "503": problem("A service holding data is unavailable"),
      },
    },
  },
  "/v1/staff/accounts/{accountId}/erase": {
    post: {
      summary: "Admin: erase an account's personal data in every service",
      description:
        "Writes an audit row that keeps only the account id, the staff member, the reason and the time, " +
        "and publishes account.erased. Every service holding data deletes it and confirms on " +
        "erasure.completed; account.changed gets a tombstone. Idempotent: while an erasure of the account " +
        "is pending the same one is answered. A session must send x-csrf-token.",
      security: admin,
      parameters: [accountIdParam],
      requestBody: { required: true, content: { "application/json": { schema: eraseBody } } },
      responses: {
        "202": json("The erasure, pending until every service confirmed", "Erasure"),
        "400": problem("Missing or too long reason"),
        "401": problem("No staff session or admin key"),
        "403": problem("Not an admin, or missing x-csrf-token"),
      },
    },
    get: {
      summary: "Admin: the account's newest erasure and each service's confirmation",
      security: admin,
      parameters: [accountIdParam],
      responses: {
        "200": json("The erasure", "Erasure"),
        "404": problem("The account was never erased"),
      },
    },
  },
};

/** Schemas of the export document and of an erasure. */
export const privacySchemas = {
  AccountExport: {
    type: "object",
    required: ["accountId", "exportedAt", "services"],
    properties: {
      accountId: { type: "string" },
      exportedAt: { type: "string", format: "date-time" },
      services: {
        type: "object",
        description: "Per service, its rows of the account per table (`schema.table`)",
        properties: {
          logger: {
            type: "object",
            description: "History with full IPs, decisions, delivery results",
            properties: { "logger.logins": rows, "logger.decisions": rows, "logger.action_results": rows },
          },
          "account-security": {
            type: "object",
            description:
              "Account state and settings (travel allowance), decisions, recent logins and answers, unlock codes (hashed), audit rows",
            properties: {
              "account_security.accounts": rows,
              "account_security.decisions": rows,
              "account_security.recent_logins": rows,
              "account_security.unlock_challenges": rows,
              "account_security.audit": rows,
            },
          },
          responder: {
            type: "object",
            description: "Contacts, notifications and their delivery log, the outbox",
            properties: {
              "responder.contacts": rows,
              "responder.deliveries": rows,
              "responder.notification_slots": rows,
              "responder.outbox": rows,
            },
          },
          portal: {
            type: "object",
            description: "The console overview's decisions and lock",
            properties: { "portal.decisions": rows, "portal.locked_accounts": rows },
          },
        },
        additionalProperties: { type: "object" },
      },
    },
  },
  Erasure: {
    type: "object",
    properties: {
      erasureId: { type: "string" },
      accountId: { type: "string" },
      status: { enum: ["pending", "done"] },
      requestedAt: { type: "string", format: "date-time" },
      completedAt: { type: ["string", "null"], format: "date-time" },
      services: {
        type: "array",
        items: {
          type: "object",
          properties: {
            service: { type: "string" },
            status: { enum: ["pending", "done"] },
            confirmedAt: { type: ["string", "null"], format: "date-time" },
            deleted: { type: ["object", "null"], additionalProperties: { type: "integer" } },
          },
        },
      },
    },
  },
};
