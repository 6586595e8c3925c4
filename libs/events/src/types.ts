import type { z } from "zod";
import {
  AccountChangedSchema,
  AccountErasedSchema,
  ActionCompletedSchema,
  AuditRecordedSchema,
  ErasureCompletedSchema,
  IpFlaggedSchema,
  LoginAttemptedSchema,
  LoginLocatedSchema,
  LoginRecordedSchema,
  NotificationRequestedSchema,
  OperatorActionSchema,
  SecurityDecidedSchema,
} from "./schemas";

/** `ce_type` of every event loginguard itself produces, each with its data schema. */
export const EVENT_SCHEMAS = {
  "loginguard.login.attempted.v1": LoginAttemptedSchema,
  "loginguard.login.located.v1": LoginLocatedSchema,
  "loginguard.login.recorded.v1": LoginRecordedSchema,
  "loginguard.security.decided.v1": SecurityDecidedSchema,
  "loginguard.account.changed.v1": AccountChangedSchema,
  "loginguard.action.completed.v1": ActionCompletedSchema,
  "loginguard.ip.flagged.v1": IpFlaggedSchema,
  "loginguard.notification.requested.v1": NotificationRequestedSchema,
  "loginguard.operator.action.v1": OperatorActionSchema,
  "loginguard.account.erased.v1": AccountErasedSchema,
  "loginguard.erasure.completed.v1": ErasureCompletedSchema,
  "loginguard.audit.recorded.v1": AuditRecordedSchema,
} as const;

export type EventType = keyof typeof EVENT_SCHEMAS;
export type EventData<T extends EventType> = z.infer<(typeof EVENT_SCHEMAS)[T]>;

export const EVENT_TYPES = {
  loginAttempted: "loginguard.login.attempted.v1",
  loginLocated: "loginguard.login.located.v1",
  loginRecorded: "loginguard.login.recorded.v1",
  securityDecided: "loginguard.security.decided.v1",
  accountChanged: "loginguard.account.changed.v1",
  actionCompleted: "loginguard.action.completed.v1",
  ipFlagged: "loginguard.ip.flagged.v1",
  notificationRequested: "loginguard.notification.requested.v1",
  operatorAction: "loginguard.operator.action.v1",
  accountErased: "loginguard.account.erased.v1",
  erasureCompleted: "loginguard.erasure.completed.v1",
  auditRecorded: "loginguard.audit.recorded.v1",
} as const satisfies Record<string, EventType>;

export function isKnownEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_SCHEMAS, type);
}

/**
 * A CloudEvent as the stages see it. `subject` is the record key (the accountId, or the IP for
 * `ip.flagged`); `correlationId` is the id of the originating login.
 */
export interface CloudEvent<T extends string = string, D = unknown> {
  id: string;
  type: T;
  source: string;
  time: string;
  subject: string;
  correlationId: string;
  /**
   * W3C trace context of the span that produced it (CloudEvents distributed-tracing extension,
   * `ce_traceparent`); absent when nobody traces.
   */
  traceparent?: string;
  data: D;
}

/** A loginguard event whose data matched its schema. */
export type LoginGuardEvent<T extends EventType = EventType> = {
  [K in T]: CloudEvent<K, EventData<K>>;
}[T];
