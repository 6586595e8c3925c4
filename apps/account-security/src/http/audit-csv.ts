import type { AuditFilter, AuditLog } from "../state/audit-log";

/** Most rows one CSV export holds (newest first); narrow the filters for more. */
export const AUDIT_CSV_MAX_ROWS = 50_000;

const COLUMNS = [
  "id",
  "at",
  "actor_kind",
  "actor_id",
  "actor_email",
  "account_id",
  "action",
  "reason",
  "client_ip",
  "details",
];

/** RFC 4180 field: quoted when it holds a comma, quote or line break; a leading =+-@ is defused for spreadsheets. */
export function csvField(value: unknown): string {
  let text =
    value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The audit trail matching `filter` as CSV (header line, CRLF line ends), newest first. */
export async function auditCsv(audit: AuditLog, filter: AuditFilter): Promise<string> {
  const lines = [COLUMNS.join(",")];
  let cursor: string | undefined;
  let rows = 0;
  do {
    const page = await audit.list({ ...filter, limit: 200, cursor });
    for (const r of page.items) {
      lines.push(
        [
          r.id,
          r.at.toISOString(),
          r.actor.kind,
          r.actor.id,
          r.actor.email,
          r.accountId,
          r.action,
          r.reason,
          r.clientIp,
          r.details,
        ]
          .map(csvField)
          .join(","),
      );
    }
    rows += page.items.length;
    cursor = page.nextCursor ?? undefined;
  } while (cursor && rows < AUDIT_CSV_MAX_ROWS);
  return `${lines.join("\r\n")}\r\n`;
}
