import type { AuthVariables } from "@loginguard/auth";
import { problems, readJson } from "@loginguard/http";
import { Hono } from "hono";
import { NewStaffBody } from "../staff/staff-input";
import { StaffExistsError, type StaffStore } from "../staff/staff-store";
import { type PortalStaffAuthOptions, portalStaffAuth } from "./staff-auth";
import { staffView } from "./staff-session-routes";

export const ADMIN_STAFF_PATH = "/v1/admin/staff";

export interface AdminStaffRoutesOptions extends Omit<PortalStaffAuthOptions, "roles"> {
  staff: StaffStore;
}

/**
 * Staff accounts, for admins only (a session with CSRF, or an admin API key — how
 * `loginguard staff add` reaches a running embedded instance): `GET` lists, `POST` adds.
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
      return c.json({ staff: staffView(account) }, 201);
    } catch (err) {
      if (err instanceof StaffExistsError) throw problems.conflict("A staff account with this email exists");
      throw err;
    }
  });

  return routes;
}
