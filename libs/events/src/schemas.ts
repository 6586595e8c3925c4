import { z } from "zod";
import { freeTextSchema, identifierSchema } from "./text";

/** Identifiers are refused with control characters or invalid UTF-8; free text is cleaned (./text.ts). */
const accountId = identifierSchema(128);
const optionalId = (max: number) => identifierSchema(max).optional();
const isoTime = z.iso.datetime({ offset: true });
const country = z
  .string()
  .regex(/^[A-Z]{2}$/)
  .nullable();

/** A login attempt as the game server reported it (topic `login.attempted`). */
export const LoginAttemptedSchema = z.object({
  eventId: identifierSchema(128),
  accountId,
  occurredAt: isoTime,
  ip: z.string().min(1).max(64),
  result: z.enum(["success", "failure"]),
  /** Free text: cleaned and capped, never a reason to refuse the login. */
  failureReason: freeTextSchema(128).optional(),
  gameId: optionalId(128),
  serverId: optionalId(128),
  sessionId: optionalId(256),
  /** Free text from the game client: cleaned and capped. */
  deviceId: freeTextSchema(256).optional(),
  /** Free text from the game client: cleaned and capped. */
  userAgent: freeTextSchema(512).optional(),
  /** When ingest stored it. */
  receivedAt: isoTime,
  /** The ingest API key's name (never the key). */
  source: z.string().max(128),
});

export const IP_CLASSES = ["public", "private", "reserved", "invalid"] as const;

/** Where the login came from, added by ip-checker (topic `login.located`). */
export const LocationSchema = z.object({
  country,
  ipClass: z.enum(IP_CLASSES),
  /** Finer detail of the class: `rfc1918`, `loopback`, `cgnat`, `documentation`, `link-local`, ... */
  ipRange: z.string().max(64).nullable(),
  /** The IP as located: trimmed, IPv4-mapped IPv6 turned into IPv4. */
  normalizedIp: z.string().max(64).nullable(),
  geoipDatabase: z.object({ type: z.string(), buildEpoch: z.number().int() }).nullable(),
});

export const LoginLocatedSchema = LoginAttemptedSchema.extend({ location: LocationSchema });

/** What account-security needs to know of the past, added by the logger (topic `login.recorded`). */
export const HistoryContextSchema = z.object({
  previousSuccess: z.object({ eventId: z.string(), country, occurredAt: isoTime }).nullable(),
  /** Countries of successful logins on this account within the window, this login excluded. */
  countriesSeen: z.array(z.string().regex(/^[A-Z]{2}$/)),
  windowDays: z.number().int().positive(),
  /** Failed logins on this account in the failure window, this login included. */
  recentFailures: z.number().int().nonnegative(),
  failureWindowMinutes: z.number().int().positive(),
  /** Distinct accounts this IP failed on in the failure window. */
  ipFailedAccounts: z.number().int().nonnegative(),
  /**
   * Set when the logger could not store the login as it came (issue 9 point 1): `free_text_dropped`
   * (the line is stored without user agent, device id and failure reason) or `not_recorded` (no
   * line; the context is what the stored lines say). The login still goes on to its decision.
   */
  degraded: z.enum(["free_text_dropped", "not_recorded"]).optional(),
  /**
   * Whether this login's `deviceId` was on one of the account's successful logins in the window
   * (this login excluded); null or absent when unknown (the login names no device, or no earlier
   * successful login of the account in the window did).
   */
  deviceSeen: z.boolean().nullable().optional(),
});

export const LoginRecordedSchema = LoginLocatedSchema.extend({ history: HistoryContextSchema });

export const ACTIONS = ["notify", "kick", "block", "lock"] as const;
export type SecurityAction = (typeof ACTIONS)[number];
export const CHANNELS = ["email", "sms", "in_game"] as const;
export type Channel = (typeof CHANNELS)[number];
export const RULE_CODES = [
  "new_country",
  "impossible_travel",
  "country_not_allowed",
  "takeover_suspected",
  "failure_burst",
  "credential_stuffing",
  "player_denied_login",
] as const;
export type RuleCode = (typeof RULE_CODES)[number];

/** Facts behind a reason, shown to players and staff in words. */
export const EvidenceSchema = z.object({
  country: country.optional(),
  previousCountry: country.optional(),
  previousAt: isoTime.optional(),
  distanceKm: z.number().nonnegative().optional(),
  speedKmh: z.number().nonnegative().optional(),
  elapsedMinutes: z.number().nonnegative().optional(),
  failures: z.number().int().nonnegative().optional(),
  windowMinutes: z.number().int().positive().optional(),
  ipFailedAccounts: z.number().int().nonnegative().optional(),
  /**
   * What made `takeover_suspected` fire: failures on the account itself, the IP's failures
   * across many accounts (credential stuffing), or both.
   */
  cause: z.enum(["account_failures", "ip_failures", "both", "new_device"]).optional(),
  allowedCountries: z.array(z.string()).optional(),
  /**
   * What the decision could not rely on, when a stage had to pass the login on degraded:
   * `history_not_recorded` (no history line), `free_text_dropped`, `login_not_kept` (not kept for
   * "was this you?" answers). The decision was made on what was known.
   */
  degraded: z.array(z.enum(["history_not_recorded", "free_text_dropped", "login_not_kept"])).optional(),
});

export const ReasonSchema = z.object({
  code: z.enum(RULE_CODES),
  action: z.enum(ACTIONS),
  mode: z.enum(["enforce", "shadow"]),
  evidence: EvidenceSchema,
});

/** A decision for one login; no record is produced for "nothing to do" (topic `security.decided`). */
export const SecurityDecidedSchema = z.object({
  accountId,
  loginEventId: z.string(),
  occurredAt: isoTime,
  /** The strongest enforced action; null when every rule that fired is in shadow mode. */
  action: z.enum(ACTIONS).nullable(),
  /** Every action to carry out, e.g. lock + kick + notify. */
  actions: z.array(z.enum(ACTIONS)),
  reasons: z.array(ReasonSchema).min(1),
  /** Notification channels in fallback order. */
  channels: z.array(z.enum(CHANNELS)),
  country,
  gameId: z.string().optional(),
  serverId: z.string().optional(),
  sessionId: z.string().optional(),
});

export const AccountStateSchema = z.object({
  locked: z.boolean(),
  lockedAt: isoTime.nullable(),
  reason: z.string().nullable(),
  blockedCountries: z.array(z.string()),
  allowedCountries: z.array(z.string()),
  travel: z.object({ country: z.string(), until: isoTime }).nullable(),
});

/** An account's security state changed; carries the whole new state (topic `account.changed`). */
export const AccountChangedSchema = z.object({
  accountId,
  change: z.enum(["locked", "unlocked", "settings_changed", "country_blocked", "country_allowed"]),
  at: isoTime,
  by: z.object({ kind: z.enum(["system", "player", "staff"]), id: z.string().nullable() }),
  reason: z.string().max(2000).nullable(),
  /** The decision or login that caused it, when there is one. */
  loginEventId: z.string().nullable(),
  state: AccountStateSchema,
  /**
   * The account's state version, assigned by account-security where the state is owned: it grows
   * with every stored change of the account (gaps allowed). A consumer applies an event only if
   * its version is at least the one it holds (equal: the same change again), so redelivery,
   * replay and the outbox path never roll state back. Absent on events from before versions:
   * read as 0.
   */
  version: z.number().int().nonnegative().optional(),
});

/** What the responder did per channel (topic `action.completed`). */
export const ActionCompletedSchema = z.object({
  accountId,
  decisionId: z.string(),
  loginEventId: z.string(),
  results: z.array(
    z.object({
      channel: z.enum(["email", "sms", "in_game", "webhook"]),
      /** What was sent: `notification`, `player.kick`, `country.blocked`, ... */
      kind: z.string(),
      outcome: z.enum(["delivered", "failed", "skipped"]),
      providerId: z.string().nullable(),
      detail: z.string().nullable(),
    }),
  ),
});

/** An IP that failed on many distinct accounts (topic `ip.flagged`, keyed by the IP). */
export const IpFlaggedSchema = z.object({
  ip: z.string(),
  failedAccounts: z.number().int().nonnegative(),
  flaggedAt: isoTime,
  until: isoTime,
});

export const NOTIFICATION_TEMPLATES = [
  "unlock_code",
  "account_unlocked",
  "account_locked_by_player",
] as const;

/**
 * A message for the player outside a decision, sent by the responder through the player's
 * channels (topic `notification.requested`). `channel` picks one; absent means fallback order.
 * Unlock codes travel here because the responder owns the contact data; they expire in minutes.
 */
export const NotificationRequestedSchema = z.object({
  accountId,
  template: z.enum(NOTIFICATION_TEMPLATES),
  channel: z.enum(CHANNELS).nullable(),
  params: z.record(z.string(), z.string()),
  requestedAt: isoTime,
});

/**
 * An operator's run-time change to the pipeline (topic `operator.actions`), audited like a staff
 * action: `loginguard stages set|pause|resume`, `loginguard dlq replay`.
 */
export const OperatorActionSchema = z.object({
  at: isoTime,
  /** Who: the operator's name as the tool gave it, and the admin API key used. */
  actor: z.string().min(1).max(300),
  action: z.enum(["stage_max_in_flight", "stage_pause", "stage_resume", "dlq_replay"]),
  reason: z.string().max(1000).nullable(),
  /** The service process that applied it. */
  service: z.string().min(1).max(100),
  details: z.record(z.string(), z.unknown()),
});

export type OperatorAction = z.infer<typeof OperatorActionSchema>;

/**
 * Erase this account's personal data (topic `account.erased`, docs/ARCHITECTURE.md sections 2 and 9).
 * Carries no reason and no staff identity: those stay in the audit trail only.
 */
export const AccountErasedSchema = z.object({
  accountId,
  erasureId: z.string().min(1).max(64),
  requestedAt: isoTime,
});

/** One service erased an account's data (topic `erasure.completed`): rows deleted per table. */
export const ErasureCompletedSchema = z.object({
  accountId,
  erasureId: z.string().min(1).max(64),
  service: z.string().min(1).max(64),
  deleted: z.record(z.string(), z.number().int().nonnegative()),
  completedAt: isoTime,
});

/** Staff actions every service audits (docs/ARCHITECTURE.md section 6, "Support staff"). */
export const AUDIT_ACTIONS = [
  "unlock",
  "staff_sign_in",
  "staff_sign_in_failed",
  "staff_sign_out",
  "staff_created",
  "staff_role_changed",
  "staff_disabled",
  "ip_revealed",
  "outbox_viewed",
  "account_exported",
  "account_erased",
  "stage_changed",
  "rules_changed",
] as const;

/**
 * A staff action seen by a service that does not own the audit trail (topic `audit.recorded`);
 * account-security appends it, deduplicated by event id.
 */
export const AuditRecordedSchema = z.object({
  at: isoTime,
  actor: z.object({
    kind: z.enum(["staff", "player", "system"]),
    id: z.string().max(256).nullable(),
    email: z.string().max(254).nullable(),
  }),
  /** The player account the action touched; null for staff-only actions (sign-in, staff created). */
  accountId: accountId.nullable(),
  action: z.string().min(1).max(64),
  reason: z.string().max(2000).nullable(),
  clientIp: z.string().max(64).nullable(),
  details: z.record(z.string(), z.unknown()),
});

export type LoginAttempted = z.infer<typeof LoginAttemptedSchema>;
export type Location = z.infer<typeof LocationSchema>;
export type LoginLocated = z.infer<typeof LoginLocatedSchema>;
export type HistoryContext = z.infer<typeof HistoryContextSchema>;
export type LoginRecorded = z.infer<typeof LoginRecordedSchema>;
export type Evidence = z.infer<typeof EvidenceSchema>;
export type Reason = z.infer<typeof ReasonSchema>;
export type SecurityDecided = z.infer<typeof SecurityDecidedSchema>;
export type AccountState = z.infer<typeof AccountStateSchema>;
export type AccountChanged = z.infer<typeof AccountChangedSchema>;
export type ActionCompleted = z.infer<typeof ActionCompletedSchema>;
export type IpFlagged = z.infer<typeof IpFlaggedSchema>;
export type NotificationRequested = z.infer<typeof NotificationRequestedSchema>;
export type AccountErased = z.infer<typeof AccountErasedSchema>;
export type ErasureCompleted = z.infer<typeof ErasureCompletedSchema>;
export type AuditRecorded = z.infer<typeof AuditRecordedSchema>;
export type IpClass = (typeof IP_CLASSES)[number];
