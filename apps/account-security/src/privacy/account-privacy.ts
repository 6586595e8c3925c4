import { randomUUID } from "node:crypto";
import { type Bus, tombstone } from "@loginguard/bus";
import { type AccountTable, type Database, deleteAccountRows, selectAccountRows } from "@loginguard/db";
import { EVENT_TYPES, TOPICS } from "@loginguard/events";
import type { AccountDataHolder } from "@loginguard/http";
import type { StaffActor } from "../account-actions";
import { serviceEmit } from "../events";
import type { AccountStore } from "../state/account-store";
import type { AuditLog } from "../state/audit-log";
import { SCHEMA } from "../state/migrations";
import type { Outbox } from "../state/outbox";
import type { ErasureStore } from "./erasure-store";

/** The account-security tables with rows of an account (the audit trail is kept: section 9). */
export const ACCOUNT_SECURITY_TABLES: readonly AccountTable[] = [
  { table: `${SCHEMA}.accounts` },
  { table: `${SCHEMA}.decisions` },
  { table: `${SCHEMA}.recent_logins` },
  { table: `${SCHEMA}.unlock_challenges` },
];

/** One account's data as `GET /v1/staff/accounts/{accountId}/export` answers it. */
export interface AccountExport {
  accountId: string;
  exportedAt: string;
  /** Per service that holds personal data: its rows per table. */
  services: Record<string, Record<string, unknown>>;
}

/** What {@link AccountPrivacy} works with. */
export interface AccountPrivacyDeps {
  db: Database;
  bus: Bus;
  accounts: AccountStore;
  audit: AuditLog;
  outbox: Outbox;
  erasures: ErasureStore;
  /** The other services' shares of an export, read when an export runs. */
  sources: readonly AccountDataHolder[];
  clock: () => Date;
}

/**
 * Export and erase (docs/ARCHITECTURE.md sections 6 and 9). Both are audited in the append-only
 * trail; an erase keeps only the account id, the staff member, the reason and the time there.
 */
export class AccountPrivacy {
  constructor(private readonly deps: AccountPrivacyDeps) {}

  /** This service's share of an export: account state, decisions, logins, challenges, audit rows. */
  readonly holder: AccountDataHolder = {
    service: "account-security",
    exportAccount: async (accountId) => ({
      ...(await selectAccountRows(this.deps.db.sql, ACCOUNT_SECURITY_TABLES, accountId)),
      [`${SCHEMA}.audit`]: (await this.deps.audit.list({ accountId, limit: 200 })).items,
    }),
  };

  /**
   * Everything every service holds about the account, after writing the audit row (who, when,
   * why). A service that fails makes the whole export fail: never a partial one presented as whole.
   */
  async export(
    accountId: string,
    staff: StaffActor,
    reason: string,
    clientIp: string | null,
  ): Promise<AccountExport> {
    const at = this.deps.clock();
    await this.deps.db.sql.transaction((tx) =>
      this.deps.audit.append(tx, {
        at,
        actor: { kind: "staff", id: staff.id, email: staff.email },
        accountId,
        action: "account_exported",
        reason,
        clientIp,
        details: { via: staff.via },
      }),
    );
    const holders = [this.holder, ...this.deps.sources];
    const parts = await Promise.all(
      holders.map(async (h) => [h.service, await h.exportAccount(accountId)] as const),
    );
    return { accountId, exportedAt: at.toISOString(), services: Object.fromEntries(parts) };
  }

  /**
   * Starts an erasure: the request, its audit row and `account.erased` in one transaction, published
   * right after. Idempotent: while the account's erasure is pending the same one is answered.
   */
  async requestErasure(
    accountId: string,
    staff: StaffActor,
    reason: string,
  ): Promise<{ erasureId: string; created: boolean }> {
    const at = this.deps.clock();
    const result = await this.deps.db.sql.transaction(async (tx) => {
      const pending = await this.deps.erasures.pendingFor(tx, accountId);
      if (pending) return { erasureId: pending, created: false };
      const erasureId = randomUUID();
      await this.deps.erasures.create(tx, { erasureId, accountId, at });
      // Only account id, staff member, reason and time: nothing else about the player stays.
      await this.deps.audit.append(tx, {
        at,
        actor: { kind: "staff", id: staff.id, email: staff.email },
        accountId,
        action: "account_erased",
        reason,
        clientIp: null,
        details: {},
      });
      const data = { accountId, erasureId, requestedAt: at.toISOString() };
      await this.deps.outbox.add(tx, [
        serviceEmit(TOPICS.accountErased, EVENT_TYPES.accountErased, data, {
          id: erasureId,
          subject: accountId,
          correlationId: erasureId,
          time: at,
        }),
      ]);
      return { erasureId, created: true };
    });
    if (result.created) await this.deps.outbox.tryFlush();
    return result;
  }

  /**
   * This service's part of an erasure: its rows and queued events of the account deleted, the
   * cached state dropped, and a tombstone on the compacted `account.changed`.
   */
  async eraseOwn(accountId: string): Promise<Record<string, number>> {
    const deleted = await deleteAccountRows(this.deps.db.sql, ACCOUNT_SECURITY_TABLES, accountId);
    const queued = await this.deps.db.sql.query<{ n: number }>(
      `WITH gone AS (DELETE FROM ${SCHEMA}.outbox WHERE event->>'subject' = $1 AND topic <> $2 RETURNING 1)
       SELECT count(*) AS n FROM gone`,
      [accountId, TOPICS.accountErased],
    );
    deleted[`${SCHEMA}.outbox`] = Number(queued.rows[0]?.n ?? 0);
    this.deps.accounts.forget(accountId);
    await this.deps.bus.publish([tombstone(TOPICS.accountChanged, accountId)]);
    return deleted;
  }
}
