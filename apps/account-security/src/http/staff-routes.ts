import { type ApiKeys, type AuthVariables, type StaffRevocations, staffAuth } from "@loginguard/auth";
import { problems, readJson } from "@loginguard/http";
import { pickLanguage } from "@loginguard/i18n";
import type { Hono } from "hono";
import type { AccountActions } from "../account-actions";
import { answerView, type LoginAnswers } from "../answers";
import { type AuditLog, BadCursorError } from "../state/audit-log";
import type { DecisionStore } from "../state/decision-store";
import type { UnlockPolicy } from "../state/unlock-challenges";
import { auditCsv } from "./audit-csv";
import { AccountIdParam, AuditQuery, StaffUnlockBody } from "./bodies";
import { clientAddress } from "./client-address";
import { securityProblems } from "./problems";
import { orUnavailable } from "./unavailable";
import { auditView, staffSecurityView } from "./views";

/** What the staff routes need. */
export interface StaffRoutesOptions {
  actions: AccountActions;
  answers: LoginAnswers;
  audit: AuditLog;
  decisions: DecisionStore;
  staffSessionSecret: string;
  adminApiKeys: ApiKeys;
  secureCookies: boolean;
  /** Take the client address from X-Forwarded-For (behind a trusted reverse proxy). */
  trustProxy: boolean;
  unlockPolicy: UnlockPolicy;
  clock: () => Date;
  /** Sessions signed out elsewhere, refused at once. */
  revocations?: StaffRevocations;
}

/** Decisions shown per account on the staff view. */
const DECISIONS_SHOWN = 50;

/** Support staff routes: an account's security state, unlock with a reason, the audit trail. */
export function mountStaffRoutes(
  routes: Hono<{ Variables: AuthVariables }>,
  options: StaffRoutesOptions,
): void {
  const staff = staffAuth({
    sessionSecret: options.staffSessionSecret,
    adminKeys: options.adminApiKeys,
    secureCookies: options.secureCookies,
    revocations: options.revocations,
  });
  const { actions } = options;

  const accountIdOf = (raw: string) => {
    const parsed = AccountIdParam.safeParse(raw);
    if (!parsed.success) throw problems.notFound("No such account");
    return parsed.data;
  };

  routes.get(
    "/v1/accounts/:accountId/security",
    staff,
    orUnavailable(async (c) => {
      const accountId = accountIdOf(c.req.param("accountId") ?? "");
      const [{ record, challenge }, decisions, answers] = await Promise.all([
        actions.overview(accountId),
        options.decisions.listForAccount(accountId, DECISIONS_SHOWN),
        options.answers.ofAccount(accountId),
      ]);
      const lang = pickLanguage(c.req.header("accept-language"), c.req.query("lang"));
      return c.json({
        ...staffSecurityView(record, challenge, decisions, options.unlockPolicy, options.clock(), lang),
        answers: answers.map(answerView),
      });
    }),
  );

  routes.post(
    "/v1/accounts/:accountId/unlock",
    staff,
    orUnavailable(async (c) => {
      const accountId = accountIdOf(c.req.param("accountId") ?? "");
      const { reason } = await readJson(c, StaffUnlockBody);
      const who = c.var.staff;
      const record = await actions.staffUnlock(
        accountId,
        reason,
        { id: who.id, email: who.email, role: who.role, via: who.via },
        clientAddress(c, options.trustProxy),
      );
      if (!record) throw securityProblems.notLocked();
      return c.json({ accountId, unlocked: true, state: { locked: record.locked } });
    }),
  );

  routes.get(
    "/v1/audit",
    staff,
    orUnavailable(async (c) => {
      const query = AuditQuery.safeParse(c.req.query());
      if (!query.success) {
        throw problems.validation(
          query.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
          "The query failed validation",
        );
      }
      if (query.data.format === "csv") {
        const { format: _f, limit: _l, cursor: _c, ...filter } = query.data;
        c.header("content-disposition", 'attachment; filename="loginguard-audit.csv"');
        c.header("cache-control", "no-store");
        return c.body(await auditCsv(options.audit, filter), 200, {
          "content-type": "text/csv; charset=utf-8",
        });
      }
      try {
        const page = await options.audit.list(query.data);
        return c.json({ items: page.items.map(auditView), nextCursor: page.nextCursor });
      } catch (err) {
        if (err instanceof BadCursorError) throw problems.badRequest(err.message);
        throw err;
      }
    }),
  );
}
