import { randomUUID } from "node:crypto";
import type { StaffRole } from "@loginguard/auth";
import type { Database } from "@loginguard/db";
import { asc, count, eq } from "drizzle-orm";
import { staff } from "../db/tables";
import { hashPassword } from "./passwords";

/** A staff account as the portal shows it (never the hash). */
export interface StaffAccount {
  id: string;
  email: string;
  role: StaffRole;
  createdAt: Date;
  createdBy: string | null;
  lastSignInAt: Date | null;
  /** Set once an admin disabled the account: it can no longer sign in. */
  disabledAt: Date | null;
}

/** A staff account with its password hash, for sign-in only. */
export interface StaffCredentials extends StaffAccount {
  passwordHash: string;
}

/** The email as stored and compared: trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Thrown by {@link StaffStore.create} when the email already has an account. */
export class StaffExistsError extends Error {
  override name = "StaffExistsError";
  constructor(readonly email: string) {
    super(`a staff account with email ${email} already exists`);
  }
}

const UNIQUE_VIOLATION = "23505";

function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    if ((e as { code?: unknown }).code === UNIQUE_VIOLATION) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

const toAccount = (row: typeof staff.$inferSelect): StaffAccount => ({
  id: row.id,
  email: row.email,
  role: row.role,
  createdAt: row.createdAt,
  createdBy: row.createdBy,
  lastSignInAt: row.lastSignInAt,
  disabledAt: row.disabledAt,
});

/** Staff accounts in the `portal` schema, with argon2id password hashes. */
export class StaffStore {
  constructor(private readonly db: Database) {}

  /** Creates an account; throws {@link StaffExistsError} when the email is taken. */
  async create(input: {
    email: string;
    role: StaffRole;
    password: string;
    createdBy: string | null;
    now?: Date;
  }): Promise<StaffAccount> {
    const row = {
      id: randomUUID(),
      email: normalizeEmail(input.email),
      role: input.role,
      passwordHash: await hashPassword(input.password),
      createdAt: input.now ?? new Date(),
      createdBy: input.createdBy,
      lastSignInAt: null,
      disabledAt: null,
    };
    try {
      await this.db.drizzle.insert(staff).values(row);
    } catch (err) {
      if (isUniqueViolation(err)) throw new StaffExistsError(row.email);
      throw err;
    }
    return toAccount(row);
  }

  /** The account and hash of an email, or undefined. */
  async credentials(email: string): Promise<StaffCredentials | undefined> {
    const [row] = await this.db.drizzle
      .select()
      .from(staff)
      .where(eq(staff.email, normalizeEmail(email)))
      .limit(1);
    return row ? { ...toAccount(row), passwordHash: row.passwordHash } : undefined;
  }

  async byId(id: string): Promise<StaffAccount | undefined> {
    const [row] = await this.db.drizzle.select().from(staff).where(eq(staff.id, id)).limit(1);
    return row ? toAccount(row) : undefined;
  }

  /** Every account, oldest first. */
  async list(): Promise<StaffAccount[]> {
    const rows = await this.db.drizzle.select().from(staff).orderBy(asc(staff.createdAt), asc(staff.email));
    return rows.map(toAccount);
  }

  async count(): Promise<number> {
    const [row] = await this.db.drizzle.select({ n: count() }).from(staff);
    return Number(row?.n ?? 0);
  }

  /** Changes the role and/or disables the account; answers it as it is now, or undefined when unknown. */
  async update(
    id: string,
    change: { role?: StaffRole; disabledAt?: Date },
  ): Promise<StaffAccount | undefined> {
    const set: Partial<typeof staff.$inferInsert> = {};
    if (change.role) set.role = change.role;
    if (change.disabledAt) set.disabledAt = change.disabledAt;
    if (Object.keys(set).length > 0) await this.db.drizzle.update(staff).set(set).where(eq(staff.id, id));
    return this.byId(id);
  }

  async recordSignIn(id: string, at: Date): Promise<void> {
    await this.db.drizzle.update(staff).set({ lastSignInAt: at }).where(eq(staff.id, id));
  }
}
