import type { AnswerItem } from "./answer-line";
/**
 * The JSON the pages read from the other services, as far as the pages use it. The HTTP API is
 * the contract (docs/ARCHITECTURE.md section 6), so these are written against it, not imported from the apps.
 */

export type Action = "notify" | "kick" | "block" | "lock";

/** `GET /v1/me/logins` item (logger). */
export interface HistoryItem {
  eventId: string;
  occurredAt: string;
  result: "success" | "failure";
  failureReason?: string | null;
  country: string | null;
  countryName?: string | null;
  ipMasked: string | null;
  device: string | null;
  deviceId?: string | null;
  userAgent?: string | null;
  action: Action | null;
  reasons: string[];
  explanation: string | null;
  notifications?: Array<{ channel: string; kind: string; outcome: string; at: string }>;
}

/** `GET /v1/accounts/{id}/logins` item (logger, staff). */
export interface StaffHistoryItem extends HistoryItem {
  /** A full IP is still kept: staff may reveal it with a reason (audited). */
  ipRevealable?: boolean;
  ipClass?: string;
  gameId?: string | null;
  serverId?: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface AccountState {
  locked: boolean;
  lockedAt: string | null;
  reason: string | null;
  blockedCountries: string[];
  allowedCountries: string[];
  travel: { country: string; until: string } | null;
}

export interface ChallengeView {
  channel: string | null;
  createdAt: string;
  expiresAt: string;
  expired: boolean;
  triesLeft: number;
}

/** `GET /v1/me/security` (account-security). */
export interface PlayerSecurity extends AccountState {
  accountId: string;
  knownCountries: string[];
  unlock: ChallengeView | null;
  /** The player's recorded "was this you?" answers (absent from older services). */
  answers?: AnswerItem[];
}

export interface Reason {
  code: string;
  action: Action;
  mode: "enforce" | "shadow";
  evidence: Record<string, unknown>;
}

/** `GET /v1/accounts/{id}/security` (account-security, staff). */
export interface StaffSecurity {
  accountId: string;
  /** The player's recorded "was this you?" answers (absent from older services). */
  answers?: AnswerItem[];
  state: AccountState;
  lockedBy: { kind: "system" | "player" | "staff"; id: string | null } | null;
  lockLoginEventId: string | null;
  knownCountries: string[];
  unlockChallenge: ChallengeView | null;
  decisions: Array<{
    decidedAt: string;
    loginEventId: string;
    action: Action | null;
    actions: Action[];
    reasons: Reason[];
    channels: string[];
    country: string | null;
    explanation: string;
  }>;
}

/** `GET /v1/audit` item (account-security). */
export interface AuditItem {
  id: number;
  at: string;
  actor: { kind: string; id: string | null; email: string | null };
  accountId: string | null;
  action: string;
  reason: string | null;
  clientIp: string | null;
  details: Record<string, unknown>;
}

/** `GET /v1/accounts/{id}/notifications` item (responder). */
export interface NotificationItem {
  sourceId: string;
  channel: string;
  kind: string;
  outcome: string;
  providerId: string | null;
  detail: string | null;
  attempts: number;
  createdAt: string;
  updatedAt: string;
}

/** `GET /v1/outbox` item (responder). */
export interface OutboxItem {
  id: string | number;
  accountId: string;
  channel: string;
  to: string;
  language: string;
  subject: string | null;
  text: string;
  createdAt: string;
}

/** `GET /v1/overview` (portal). */
export interface Overview {
  generatedAt: string;
  mode: "embedded" | "distributed";
  logins: { lastMinute: number | null; perMinute: Array<number | null> };
  decisionsByRule: Array<{ code: string; mode: "enforce" | "shadow"; lastHour: number; lastDay: number }>;
  locked: {
    count: number;
    recent: Array<{ accountId: string; lockedAt: string | null; reason: string | null }>;
  };
  deadLetters: Array<{ topic: string; count: number }>;
  notifications: Array<{ channel: string; outcome: string; count: number }>;
  /** The loss detector's report; null where it does not run. */
  stuck: {
    deadlineSeconds: number;
    total: number;
    logins: Array<{ loginId: string; accountId: string; acceptedAt: string; lastStage: string }>;
  } | null;
}

export interface StaffAccount {
  id: string;
  email: string;
  role: "support" | "admin";
  createdAt: string;
  createdBy: string | null;
  lastSignInAt: string | null;
}
