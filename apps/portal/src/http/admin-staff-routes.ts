import type { AuthVariables } from "@loginguard/auth";
import type { AuditPublisher } from "@loginguard/bus";
import { problems, readJson } from "@loginguard/http";
import { Hono } from "hono";
import { NewStaffBody, StaffChangeBody } from "../staff/staff-input";
import { StaffExistsError, type StaffStore } from "../staff/staff-store";
import { clientAddress } from "./client-address";
import { type PortalStaffAuthOptions, portalStaffAuth } from "./staff-auth";
import { staffView } from "./staff-session-routes";

export const ADMIN_STAFF_PATH = "/v1/admin/staff";

export interface AdminStaffRoutesOptions extends Omit<PortalStaffAuthOptions, "roles"> {
  staff: StaffStore;
  /** Staff created, role changed, disabled: audited before the answer (docs/ARCHITECTURE.md section 6). */
  audit: AuditPublisher;
  trustProxy: boolean;
  clock: () => Date;
}

/**
 * Staff accounts, for admins only (a session with CSRF, or an admin API key — how
 * `loginguard staff add` reaches a running embedded instance): `GET` lists, `POST` adds, `PATCH`
 * changes a role or disables. A role change or a disable signs the member out everywhere: the
 * audit event is also the revocation every service applies (section 6).
 */
export function adminStaffRoutes(options: AdminStaffRoutesOptions): Hono<{ Variables: AuthVariables }> {
  const routes = new Hono<{ Variables: AuthVariables }>();
  const admin = portalStaffAuth({ ...options, roles: ["admin"] });

  routes.get(ADMIN_STAFF_PATH, admin, async (c) => {
    c.header("cache-control", "no-store");
    return c.json({ items: (await options.staff.list()).map(staffView) });
  });

  routes.post(ADMIN_STAFF_PATH, admin, async (c) => {
    const body = await readJson(c, NewStaffBody);
    const who = c.var.staff;
    try {
      const account = await options.staff.create({ ...body, createdBy: who.email ?? who.id });
      await options.audit({
        actor: { kind: "staff", id: who.id, email: who.email },
        accountId: null,
        action: "staff_created",
        reason: null,
        clientIp: clientAddress(c, options.trustProxy),
        details: { staffId: account.id, email: account.email, role: account.role },
      });
      return c.json({ staff: staffView(account) }, 201);
    } catch (err) {
      if (err instanceof StaffExistsError) throw problems.conflict("A staff account with this email exists");
      throw err;
    }
  });

  routes.patch(`${ADMIN_STAFF_PATH}/:id`, admin, async (c) => {
    const body = await readJson(c, StaffChangeBody);
    const who = c.var.staff;
    const id = c.req.param("id");
    const before = await options.staff.byId(id);
    if (!before) throw problems.notFound("No such staff account");
    const at = options.clock();
    const after = await options.staff.update(id, {
      role: body.role,
      disabledAt: body.disabled && !before.disabledAt ? at : undefined,
    });
    if (!after) throw problems.notFound("No such staff account");
    const ended = await options.sessions.endAllFor(id, at);
    const base = {
      actor: { kind: "staff" as const, id: who.id, email: who.email },
      accountId: null,
      reason: body.reason,
      clientIp: clientAddress(c, options.trustProxy),
      at: at.toISOString(),
    };
    if (body.role && body.role !== before.role) {
      await options.audit({
        ...base,
        action: "staff_role_changed",
        details: { staffId: id, from: before.role, to: body.role, sessionsEnded: ended.length },
      });
    }
    if (body.disabled && !before.disabledAt) {
      await options.audit({
        ...base,
        action: "staff_disabled",
        details: { staffId: id, sessionsEnded: ended.length },
      });
    }
    return c.json({ staff: staffView(after) });
  });

  return routes;
}
