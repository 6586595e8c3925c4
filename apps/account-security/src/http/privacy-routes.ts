import { type ApiKeys, type AuthVariables, type StaffRevocations, staffAuth } from "@loginguard/auth";
import { problems, readJson } from "@loginguard/http";
import type { Context, Hono } from "hono";
import { z } from "zod";
import type { StaffActor } from "../account-actions";
import type { AccountPrivacy } from "../privacy/account-privacy";
import type { ErasureStatus, ErasureStore } from "../privacy/erasure-store";
import { AccountIdParam } from "./bodies";
import { clientAddress } from "./client-address";
import { orUnavailable } from "./unavailable";

/** What the export and erase routes need. */
export interface PrivacyRoutesOptions {
  privacy: AccountPrivacy;
  erasures: ErasureStore;
  staffSessionSecret: string;
  adminApiKeys: ApiKeys;
  secureCookies: boolean;
  trustProxy: boolean;
  revocations?: StaffRevocations;
}

/** `POST /v1/staff/accounts/{accountId}/erase`: a written reason is required. */
export const EraseBody = z
  .object({ reason: z.string().trim().min(1, "a reason is required").max(2000) })
  .strict();

/** `GET /v1/staff/accounts/{accountId}/export?reason=`: why, for the audit trail. */
const ExportQuery = z.object({ reason: z.string().trim().min(1, "a reason is required").max(2000) });

/** An erasure on the wire. */
export function erasureView(e: ErasureStatus) {
  return {
    erasureId: e.erasureId,
    accountId: e.accountId,
    status: e.status,
    requestedAt: e.requestedAt.toISOString(),
    completedAt: e.completedAt?.toISOString() ?? null,
    services: e.services.map((s) => ({
      service: s.service,
      status: s.confirmedAt ? "done" : "pending",
      confirmedAt: s.confirmedAt?.toISOString() ?? null,
      deleted: s.deleted,
    })),
  };
}

/** Admin routes for a player's data (docs/ARCHITECTURE.md section 6): export, erase, erase status. */
export function mountPrivacyRoutes(
  routes: Hono<{ Variables: AuthVariables }>,
  options: PrivacyRoutesOptions,
): void {
  const admin = staffAuth({
    sessionSecret: options.staffSessionSecret,
    adminKeys: options.adminApiKeys,
    secureCookies: options.secureCookies,
    roles: ["admin"],
    revocations: options.revocations,
  });
  const accountIdOf = (c: Context) => {
    const parsed = AccountIdParam.safeParse(c.req.param("accountId") ?? "");
    if (!parsed.success) throw problems.notFound("No such account");
    return parsed.data;
  };
  const actorOf = (c: Context<{ Variables: AuthVariables }>): StaffActor => {
    const who = c.var.staff;
    return { id: who.id, email: who.email, role: who.role, via: who.via };
  };

  routes.get(
    "/v1/staff/accounts/:accountId/export",
    admin,
    orUnavailable(async (c) => {
      const accountId = accountIdOf(c);
      const query = ExportQuery.safeParse(c.req.query());
      if (!query.success) {
        throw problems.validation([{ path: "reason", message: "a reason is required" }], "Give a reason");
      }
      const doc = await options.privacy.export(
        accountId,
        actorOf(c),
        query.data.reason,
        clientAddress(c, options.trustProxy),
      );
      c.header("cache-control", "no-store");
      c.header(
        "content-disposition",
        `attachment; filename="loginguard-export-${encodeURIComponent(accountId)}.json"`,
      );
      return c.json(doc);
    }),
  );

  routes.post(
    "/v1/staff/accounts/:accountId/erase",
    admin,
    orUnavailable(async (c) => {
      const accountId = accountIdOf(c);
      const { reason } = await readJson(c, EraseBody);
      const { erasureId } = await options.privacy.requestErasure(accountId, actorOf(c), reason);
      const status = await options.erasures.latest(accountId);
      return c.json(status ? erasureView(status) : { erasureId, accountId, status: "pending" }, 202);
    }),
  );

  routes.get(
    "/v1/staff/accounts/:accountId/erase",
    admin,
    orUnavailable(async (c) => {
      const status = await options.erasures.latest(accountIdOf(c));
      if (!status) throw problems.notFound("This account was never erased");
      c.header("cache-control", "no-store");
      return c.json(erasureView(status));
    }),
  );
}
