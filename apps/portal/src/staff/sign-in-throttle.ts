import type { Database } from "@loginguard/db";
import { SCHEMA } from "../db/migrations";
import type { SignInThrottleSettings } from "../env";

const TABLE = `${SCHEMA}.sign_in_failures`;

/** Whether another sign-in attempt may be checked now. */
export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface WindowRow {
  n: number;
  oldest: Date | null;
}

/**
 * Counts failed staff sign-ins per email and per client address in the database, so the limit
 * holds across portal replicas and restarts. Once over the limit, attempts are refused before the
 * password is looked at, so a guesser learns nothing more until the window moves on.
 */
export class SignInThrottle {
  constructor(
    private readonly db: Database,
    private readonly settings: SignInThrottleSettings,
  ) {}

  /** Whether `email` (normalised) from `clientIp` may try now. */
  async check(email: string, clientIp: string | null, now: Date): Promise<ThrottleVerdict> {
    const windowMs = this.settings.windowMinutes * 60_000;
    const since = new Date(now.getTime() - windowMs);
    const byEmail = await this.window("email", email, since);
    const byIp = clientIp ? await this.window("client_ip", clientIp, since) : { n: 0, oldest: null };
    const waits: number[] = [];
    if (byEmail.n >= this.settings.maxFailuresPerEmail && byEmail.oldest) {
      waits.push(byEmail.oldest.getTime() + windowMs - now.getTime());
    }
    if (byIp.n >= this.settings.maxFailuresPerIp && byIp.oldest) {
      waits.push(byIp.oldest.getTime() + windowMs - now.getTime());
    }
    if (waits.length === 0) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(Math.max(...waits) / 1000)) };
  }

  async recordFailure(email: string, clientIp: string | null, at: Date): Promise<void> {
    await this.db.sql.query(`INSERT INTO ${TABLE} (email, client_ip, at) VALUES ($1, $2, $3)`, [
      email,
      clientIp,
      at,
    ]);
  }

  /** After a successful sign-in: the email's earlier failures no longer count (the address's still do). */
  async clearEmail(email: string): Promise<void> {
    await this.db.sql.query(`DELETE FROM ${TABLE} WHERE email = $1`, [email]);
  }

  /** Deletes failures older than the window. */
  async prune(now: Date): Promise<void> {
    const since = new Date(now.getTime() - this.settings.windowMinutes * 60_000);
    await this.db.sql.query(`DELETE FROM ${TABLE} WHERE at <= $1`, [since]);
  }

  private async window(column: "email" | "client_ip", value: string, since: Date): Promise<WindowRow> {
    const { rows } = await this.db.sql.query<WindowRow>(
      `SELECT count(*) AS n, min(at) AS oldest FROM ${TABLE} WHERE ${column} = $1 AND at > $2`,
      [value, since],
    );
    return { n: Number(rows[0]?.n ?? 0), oldest: rows[0]?.oldest ?? null };
  }
}
