import { type ApiKeys, type AuthVariables, apiKeyAuth } from "@loginguard/auth";
import { problems, readJson } from "@loginguard/http";
import type { Context, MiddlewareHandler } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { ContactStore } from "../store";
import type { Contact } from "../types";

/** E.164: a plus, a country code not starting with 0, at most 15 digits in all. */
export const E164 = /^\+[1-9]\d{6,14}$/;

/** Body of PUT contact: a field left out stays as it is, `null` removes it. */
export const ContactBodySchema = z.strictObject({
  email: z.email().max(254).nullable().optional(),
  phone: z.string().regex(E164, "expected an E.164 number such as +821012345678").nullable().optional(),
  language: z.enum(["ko", "en"]).nullable().optional(),
});

const AccountIdSchema = z.string().min(1).max(128);

/** The `accountId` path parameter, 400 when out of bounds. */
export function accountIdOf(c: Context): string {
  const parsed = AccountIdSchema.safeParse(c.req.param("accountId"));
  if (!parsed.success) throw problems.badRequest("accountId must be 1 to 128 characters");
  return parsed.data;
}

const toJson = (contact: Contact) => ({
  accountId: contact.accountId,
  email: contact.email,
  phone: contact.phone,
  language: contact.language,
  updatedAt: contact.updatedAt.toISOString(),
});

export interface ContactRoutesOptions {
  contacts: ContactStore;
  /** Game platforms' keys (INGEST_API_KEYS): write and delete. */
  ingestKeys: ApiKeys;
  /** Staff (session or admin key): read. */
  staff: MiddlewareHandler<{ Variables: AuthVariables }>;
}

/** The contact directory API: `/v1/accounts/{accountId}/contact`. */
export function contactRoutes(options: ContactRoutesOptions): Hono<{ Variables: AuthVariables }> {
  const routes = new Hono<{ Variables: AuthVariables }>();
  const platform = apiKeyAuth(options.ingestKeys);
  const path = "/v1/accounts/:accountId/contact";

  routes.put(path, platform, async (c) => {
    const accountId = accountIdOf(c);
    const body = await readJson(c, ContactBodySchema);
    const contact = await options.contacts.update(accountId, body, `api-key:${c.get("apiKeyName")}`);
    return c.json(toJson(contact));
  });

  routes.get(path, options.staff, async (c) => {
    const contact = await options.contacts.get(accountIdOf(c));
    if (!contact) throw problems.notFound("No contact on file for this account");
    return c.json(toJson(contact));
  });

  routes.delete(path, platform, async (c) => {
    const removed = await options.contacts.remove(accountIdOf(c));
    if (!removed) throw problems.notFound("No contact on file for this account");
    return c.body(null, 204);
  });
  return routes;
}
