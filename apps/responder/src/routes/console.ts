import type { AuthVariables } from "@loginguard/auth";
import type { AuditPublisher } from "@loginguard/bus";
import { problems } from "@loginguard/http";
import type { MiddlewareHandler } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { DeliveryStore, OutboxStore } from "../store";
import { accountIdOf } from "./contacts";

const LimitSchema = z.coerce.number().int().min(1).max(200).default(50);

function limitOf(text: string | undefined): number {
  const parsed = LimitSchema.safeParse(text ?? undefined);
  if (!parsed.success) throw problems.badRequest("limit must be an integer from 1 to 200");
  return parsed.data;
}

export interface ConsoleRoutesOptions {
  outbox: OutboxStore;
  deliveries: DeliveryStore;
  staff: MiddlewareHandler<{ Variables: AuthVariables }>;
  /** Every outbox view is audited (outbox_viewed) before the answer. */
  audit: AuditPublisher;
}

/** One-time codes in a message (6 digits on their own). */
const CODE = /(?<!\d)\d{6}(?!\d)/g;

/** The message with its one-time codes hidden: support staff see that a code was sent, not the code. */
export function hideCodes(text: string): string {
  return text.replace(CODE, "••••••");
}

/** What the support console reads: the local outbox and each account's notifications. */
export function consoleRoutes(options: ConsoleRoutesOptions): Hono<{ Variables: AuthVariables }> {
  const routes = new Hono<{ Variables: AuthVariables }>();

  routes.get("/v1/outbox", options.staff, async (c) => {
    const accountId = c.req.query("accountId");
    if (accountId !== undefined && (accountId.length === 0 || accountId.length > 128)) {
      throw problems.badRequest("accountId must be 1 to 128 characters");
    }
    const messages = await options.outbox.list({ accountId, limit: limitOf(c.req.query("limit")) });
    const who = c.var.staff;
    const admin = who.role === "admin";
    try {
      await options.audit({
        actor: { kind: "staff", id: who.id, email: who.email },
        accountId: accountId ?? null,
        action: "outbox_viewed",
        reason: null,
        clientIp: null,
        details: { messages: messages.length, codesShown: admin, role: who.role },
      });
    } catch (err) {
      throw problems.unavailable("The outbox view cannot be audited now; try again", err);
    }
    const show = admin ? (t: string) => t : hideCodes;
    c.header("cache-control", "no-store");
    return c.json({
      codesHidden: !admin,
      items: messages.map((m) => ({
        id: m.id,
        accountId: m.accountId,
        channel: m.channel,
        to: m.recipient,
        language: m.language,
        subject: m.subject === null ? null : show(m.subject),
        text: show(m.text),
        html: m.html === null ? null : show(m.html),
        createdAt: m.createdAt.toISOString(),
      })),
    });
  });

  routes.get("/v1/accounts/:accountId/notifications", options.staff, async (c) => {
    const rows = await options.deliveries.forAccount(accountIdOf(c), limitOf(c.req.query("limit")));
    return c.json({
      items: rows.map((r) => ({
        sourceId: r.sourceId,
        channel: r.channel,
        kind: r.kind,
        outcome: r.outcome,
        providerId: r.providerId,
        detail: r.detail,
        attempts: r.attempts,
        createdAt: r.createdAt.toISOString(),
        updatedAt: r.updatedAt.toISOString(),
      })),
    });
  });
  return routes;
}
