/** Every topic of the pipeline (docs/ARCHITECTURE.md section 2). The record key is always the accountId. */
export const TOPICS = {
  loginAttempted: "login.attempted",
  loginLocated: "login.located",
  loginRecorded: "login.recorded",
  securityDecided: "security.decided",
  accountChanged: "account.changed",
  actionCompleted: "action.completed",
  /** IPs that failed on many accounts; keyed by the IP, read by ingest for `ipFlagged`. */
  ipFlagged: "ip.flagged",
  /** A message for the player that is not a decision (unlock code, "you were unlocked"). */
  notificationRequested: "notification.requested",
  /**
   * Run-time changes operators make to the pipeline itself (stage limits, pause, dead-letter
   * replays); account-security appends each to its audit trail. Keyed by the stage or tool.
   */
  operatorActions: "operator.actions",
  /** A staff request to erase an account's personal data; every service holding any deletes it. */
  accountErased: "account.erased",
  /** One service's report that it erased an account's data (key: accountId). */
  erasureCompleted: "erasure.completed",
  /** A staff action recorded by the service that saw it, appended to the audit trail by account-security. */
  auditRecorded: "audit.recorded",
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/** The dead-letter topic of a topic: where a stage puts the records of `topic` it gave up on. */
export function dlqTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

export function isDlqTopic(topic: string): boolean {
  return topic.endsWith(".dlq");
}
