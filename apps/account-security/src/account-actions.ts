import { randomUUID } from "node:crypto";
import type { Emit } from "@loginguard/bus";
import type { Database, SqlClient } from "@loginguard/db";
import {
  type AccountChanged,
  type Channel,
  deriveEventId,
  EVENT_TYPES,
  type NotificationRequested,
  type SecurityDecided,
  TOPICS,
} from "@loginguard/events";
import { STAGE_NAME, serviceEmit } from "./events";
import type { RulesConfig } from "./rules/config";
import { type AccountRecord, type Actor, toAccountState } from "./state/account-record";
import type { AccountStore } from "./state/account-store";
import type { AuditEntry, AuditLog } from "./state/audit-log";
import { type DecisionStore, playerDeniedKey } from "./state/decision-store";
import type { Outbox } from "./state/outbox";
import type { RecentLogin, RecentLoginStore } from "./state/recent-logins";
import { changeSettings, confirmCountry, lock, unlock } from "./state/transitions";
import {
  codeMatches,
  type UnlockChallenge,
  type UnlockChallengeStore,
  type UnlockPolicy,
} from "./state/unlock-challenges";

/** What {@link AccountActions} works with. */
export interface AccountActionsDeps {
  db: Database;
  accounts: AccountStore;
  audit: AuditLog;
  outbox: Outbox;
  challenges: UnlockChallengeStore;
  recentLogins: RecentLoginStore;
  decisions: DecisionStore;
  rules: RulesConfig;
  unlockPolicy: UnlockPolicy;
  pepper: Uint8Array;
  clock: () => Date;
}

/** A staff member as the audit trail records them. */
export interface StaffActor {
  id: string;
  email: string | null;
  role: string;
  via: string;
}

/** The result of a verify attempt (the HTTP layer maps each to a status). */
export type VerifyResult =
  | { outcome: "unlocked"; record: AccountRecord }
  | { outcome: "wrong"; triesLeft: number }
  | { outcome: "no_challenge" }
  | { outcome: "expired" }
  | { outcome: "exhausted" };

/** The result of an unlock code request. */
export type ChallengeResult =
  | { outcome: "accepted"; expiresAt: Date }
  | { outcome: "rate_limited"; retryAfterSeconds: number };

/**
 * The account changes people make (players over /v1/me, staff over /v1/accounts). Each runs in
 * one transaction with the account's row locked: the state change, its audit record and its
 * events (queued in the outbox, published right after the commit).
 */
export class AccountActions {
  constructor(private readonly deps: AccountActionsDeps) {}

  /** The account's state and its pending unlock challenge, if any. */
  async overview(
    accountId: string,
  ): Promise<{ record: AccountRecord; challenge: UnlockChallenge | undefined }> {
    const [record, challenge] = await Promise.all([
      this.deps.accounts.get(accountId),
      this.deps.challenges.pending(accountId),
    ]);
    return { record, challenge };
  }

  /** Replaces the player's allowed countries and travel allowance (validated by the caller). */
  async changeSettings(
    accountId: string,
    settings: { allowedCountries: string[]; travel: { country: string; until: Date } | null },
  ): Promise<AccountRecord> {
    const now = this.deps.clock();
    return this.#change(async (tx) => {
      const m = await this.deps.accounts.mutate(tx, accountId, (r) => changeSettings(r, settings));
      const emits: Emit[] = [];
      if (m.changed) {
        const id = randomUUID();
        emits.push(
          this.#accountChanged(
            m.after,
            "settings_changed",
            { kind: "player", id: accountId },
            null,
            null,
            id,
            id,
            now,
          ),
        );
        await this.deps.audit.append(tx, {
          ...playerEntry(accountId, now),
          action: "settings_change",
          details: { allowedCountries: settings.allowedCountries, travel: toAccountState(m.after).travel },
        });
      }
      return { value: m.after, records: [m.after], emits };
    });
  }

  /** The player's own successful login `loginEventId`, or undefined. */
  findLogin(accountId: string, loginEventId: string): Promise<RecentLogin | undefined> {
    return this.deps.recentLogins.find(accountId, loginEventId);
  }

  /** "Yes, it was me": the login's country joins the known set (nothing to add when unlocated). */
  async confirmLogin(login: RecentLogin): Promise<AccountRecord> {
    const now = this.deps.clock();
    const country = login.country;
    return this.#change(async (tx) => {
      const m = await this.deps.accounts.mutate(tx, login.accountId, (r) =>
        country ? confirmCountry(r, country) : r,
      );
      if (m.changed) {
        await this.deps.audit.append(tx, {
          ...playerEntry(login.accountId, now),
          action: "confirm_login",
          details: { loginEventId: login.loginEventId, country },
        });
      }
      return { value: m.after, records: [m.after], emits: [] };
    });
  }

  /**
   * "No, it was not me": locks the account, asks the responder to kick the login's session
   * (`security.decided` with `player_denied_login`) and tells the player how to unlock. Ids are
   * derived from the login, so answering twice publishes the same events.
   */
  async denyLogin(login: RecentLogin): Promise<AccountRecord> {
    const now = this.deps.clock();
    const accountId = login.accountId;
    const by: Actor = { kind: "player", id: accountId };
    const idOf = (part: string) =>
      deriveEventId(STAGE_NAME, login.loginEventId, `player_denied_login:${part}`);
    return this.#change(async (tx) => {
      const m = await this.deps.accounts.mutate(tx, accountId, (r) =>
        lock(r, { at: now, reason: "player_denied_login", by, loginEventId: login.loginEventId }),
      );
      const decision: SecurityDecided = {
        accountId,
        loginEventId: login.loginEventId,
        occurredAt: login.occurredAt.toISOString(),
        action: "lock",
        actions: ["lock", "kick"],
        reasons: [
          {
            code: "player_denied_login",
            action: "lock",
            mode: "enforce",
            evidence: { country: login.country },
          },
        ],
        channels: [...this.deps.rules.channels],
        country: login.country,
        ...(login.gameId ? { gameId: login.gameId } : {}),
        ...(login.serverId ? { serverId: login.serverId } : {}),
        ...(login.sessionId ? { sessionId: login.sessionId } : {}),
      };
      const ids = (part: string) => ({
        id: idOf(part),
        subject: accountId,
        correlationId: login.loginEventId,
        time: now,
      });
      const emits: Emit[] = [
        serviceEmit(TOPICS.securityDecided, EVENT_TYPES.securityDecided, decision, ids("security.decided")),
      ];
      if (m.changed) {
        emits.push(
          this.#accountChanged(
            m.after,
            "locked",
            by,
            "player_denied_login",
            login.loginEventId,
            idOf("account.changed"),
            login.loginEventId,
            now,
          ),
        );
      }
      const params: Record<string, string> = {
        loginEventId: login.loginEventId,
        lockedAt: now.toISOString(),
      };
      if (login.country) params.country = login.country;
      emits.push(
        this.#notification(accountId, "account_locked_by_player", null, params, ids("notification")),
      );
      await this.deps.decisions.insert(tx, [
        {
          key: playerDeniedKey(login.loginEventId),
          loginEventId: login.loginEventId,
          accountId,
          occurredAt: login.occurredAt,
          decidedAt: now,
          decision,
          outputs: emits,
        },
      ]);
      if (m.changed) {
        await this.deps.audit.append(tx, {
          ...playerEntry(accountId, now),
          action: "lock_by_player",
          reason: "player_denied_login",
          details: { loginEventId: login.loginEventId, country: login.country },
        });
      }
      return { value: m.after, records: [m.after], emits };
    });
  }

  /**
   * Starts a self-service unlock: within the rate limit, a locked account gets a fresh code
   * (sent by the responder through `notification.requested`); an unlocked one gets nothing,
   * and the caller answers both the same way.
   */
  async requestUnlockCode(accountId: string, channel: Channel | null): Promise<ChallengeResult> {
    const now = this.deps.clock();
    const policy = this.deps.unlockPolicy;
    return this.#change<ChallengeResult>(async (tx) => {
      const { before } = await this.deps.accounts.mutate(tx, accountId, (r) => r);
      const windowMs = policy.challengeWindowMinutes * 60_000;
      const recent = await this.deps.challenges.requestedSince(
        tx,
        accountId,
        new Date(now.getTime() - windowMs),
      );
      if (recent.count >= policy.challengesPerWindow) {
        const retryAt = (recent.oldest?.getTime() ?? now.getTime()) + windowMs;
        const retryAfterSeconds = Math.max(1, Math.ceil((retryAt - now.getTime()) / 1000));
        return { value: { outcome: "rate_limited" as const, retryAfterSeconds } };
      }
      const expiresAt = new Date(now.getTime() + policy.codeTtlMinutes * 60_000);
      const { id, code } = await this.deps.challenges.create(tx, {
        accountId,
        channel,
        now,
        expiresAt,
        sendCode: before.locked,
      });
      const emits = code
        ? [
            this.#notification(
              accountId,
              "unlock_code",
              channel,
              { code, expiresAt: expiresAt.toISOString() },
              { id: randomUUID(), subject: accountId, correlationId: id, time: now },
            ),
          ]
        : [];
      return { value: { outcome: "accepted" as const, expiresAt }, emits };
    });
  }

  /**
   * Checks a code against the account's pending challenge. Every attempt counts before the
   * comparison (so parallel guesses cannot exceed the limit) and is committed even when wrong.
   */
  async verifyUnlockCode(accountId: string, code: string): Promise<VerifyResult> {
    const now = this.deps.clock();
    const policy = this.deps.unlockPolicy;
    return this.#change<VerifyResult>(async (tx) => {
      await this.deps.accounts.mutate(tx, accountId, (r) => r);
      const challenge = await this.deps.challenges.pending(accountId, tx);
      const done = (value: VerifyResult): ChangeResult<VerifyResult> => ({ value });
      if (!challenge) return done({ outcome: "no_challenge" });
      if (challenge.tries >= policy.maxTries) return done({ outcome: "exhausted" });
      if (challenge.expiresAt.getTime() <= now.getTime()) return done({ outcome: "expired" });
      const tries = await this.deps.challenges.countTry(tx, challenge.id);
      if (!codeMatches(this.deps.pepper, challenge, code)) {
        return done({ outcome: "wrong", triesLeft: Math.max(0, policy.maxTries - tries) });
      }
      await this.deps.challenges.markUsed(tx, challenge.id);
      const by: Actor = { kind: "player", id: accountId };
      const m = await this.deps.accounts.mutate(tx, accountId, unlock);
      const emits: Emit[] = [];
      if (m.changed) {
        emits.push(...this.#unlockedEvents(m.after, by, "unlock_code", now));
        await this.deps.audit.append(tx, {
          ...playerEntry(accountId, now),
          action: "unlock",
          reason: "unlock_code",
          details: { challengeId: challenge.id, channel: challenge.channel, lockReason: m.before.lockReason },
        });
      }
      return { value: { outcome: "unlocked" as const, record: m.after }, records: [m.after], emits };
    });
  }

  /**
   * Unlocks on a staff member's word: audited with who, why and from where; the player is told.
   * Answers undefined when the account was not locked (nothing written).
   */
  async staffUnlock(
    accountId: string,
    reason: string,
    staff: StaffActor,
    clientIp: string | null,
  ): Promise<AccountRecord | undefined> {
    const now = this.deps.clock();
    return this.#change<AccountRecord | undefined>(async (tx) => {
      const m = await this.deps.accounts.mutate(tx, accountId, unlock);
      if (!m.changed) return { value: undefined };
      await this.deps.challenges.supersedePending(tx, accountId);
      const by: Actor = { kind: "staff", id: staff.id };
      await this.deps.audit.append(tx, {
        at: now,
        actor: { kind: "staff", id: staff.id, email: staff.email },
        accountId,
        action: "unlock",
        reason,
        clientIp,
        details: {
          role: staff.role,
          via: staff.via,
          lockReason: m.before.lockReason,
          lockedAt: m.before.lockedAt?.toISOString() ?? null,
          lockedBy: m.before.lockedBy,
          lockLoginEventId: m.before.lockLoginEventId,
        },
      });
      return { value: m.after, records: [m.after], emits: this.#unlockedEvents(m.after, by, reason, now) };
    });
  }

  /** Runs a change in a transaction, then caches its records and publishes its events. */
  async #change<T>(work: (tx: SqlClient) => Promise<ChangeResult<T>>): Promise<T> {
    const result = await this.deps.db.sql.transaction(async (tx) => {
      const done = await work(tx);
      await this.deps.outbox.add(tx, done.emits ?? []);
      return done;
    });
    for (const record of result.records ?? []) this.deps.accounts.remember(record);
    if (result.emits?.length) await this.deps.outbox.tryFlush();
    return result.value;
  }

  #unlockedEvents(record: AccountRecord, by: Actor, reason: string, now: Date): Emit[] {
    const id = randomUUID();
    return [
      this.#accountChanged(record, "unlocked", by, reason, null, id, id, now),
      this.#notification(
        record.accountId,
        "account_unlocked",
        null,
        { by: by.kind, at: now.toISOString() },
        { id: randomUUID(), subject: record.accountId, correlationId: id, time: now },
      ),
    ];
  }

  #accountChanged(
    record: AccountRecord,
    change: AccountChanged["change"],
    by: Actor,
    reason: string | null,
    loginEventId: string | null,
    id: string,
    correlationId: string,
    now: Date,
  ): Emit {
    const data: AccountChanged = {
      accountId: record.accountId,
      change,
      at: now.toISOString(),
      by,
      reason,
      loginEventId,
      state: toAccountState(record),
      version: record.version,
    };
    return serviceEmit(TOPICS.accountChanged, EVENT_TYPES.accountChanged, data, {
      id,
      subject: record.accountId,
      correlationId,
      time: now,
    });
  }

  #notification(
    accountId: string,
    template: NotificationRequested["template"],
    channel: Channel | null,
    params: Record<string, string>,
    ids: { id: string; subject: string; correlationId: string; time: Date },
  ): Emit {
    const data: NotificationRequested = {
      accountId,
      template,
      channel,
      params,
      requestedAt: ids.time.toISOString(),
    };
    return serviceEmit(TOPICS.notificationRequested, EVENT_TYPES.notificationRequested, data, ids);
  }
}

/** What a change made inside its transaction: its answer, the records to cache, the events. */
interface ChangeResult<T> {
  value: T;
  records?: AccountRecord[];
  emits?: Emit[];
}

/** An audit entry made by the player themself (no client address kept for players). */
function playerEntry(accountId: string, at: Date): Omit<AuditEntry, "action"> {
  return {
    at,
    actor: { kind: "player", id: accountId, email: null },
    accountId,
    reason: null,
    clientIp: null,
    details: {},
  };
}
