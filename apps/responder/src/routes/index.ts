import { randomBytes } from "node:crypto";
import { type ApiKeys, type StaffRevocations, staffAuth } from "@loginguard/auth";
import type { AuditPublisher } from "@loginguard/bus";
import { Hono } from "hono";
import type { ResponderStore } from "../store";
import { consoleRoutes } from "./console";
import { contactRoutes } from "./contacts";

export interface ResponderRoutesOptions {
  store: ResponderStore;
  ingestKeys: ApiKeys;
  adminKeys: ApiKeys;
  /** The portal's staff session secret; null: only admin API keys reach staff routes. */
  staffSessionSecret: string | null;
  secureCookies?: boolean;
  /** Sessions signed out elsewhere, refused at once. */
  revocations?: StaffRevocations;
  /** Where staff views of the outbox are audited. */
  audit: AuditPublisher;
}

/** The responder's HTTP API: contact directory, outbox and notification history. */
export function responderRoutes(options: ResponderRoutesOptions): Hono {
  const staff = staffAuth({
    // Without the portal's secret no session verifies; a random one keeps it that way.
    sessionSecret: options.staffSessionSecret ?? randomBytes(32).toString("hex"),
    adminKeys: options.adminKeys,
    secureCookies: options.secureCookies,
    revocations: options.revocations,
  });
  const { store } = options;
  const routes = new Hono();
  routes.route("/", contactRoutes({ contacts: store.contacts, ingestKeys: options.ingestKeys, staff }));
  routes.route(
    "/",
    consoleRoutes({ outbox: store.outbox, deliveries: store.deliveries, staff, audit: options.audit }),
  );
  return routes;
}
