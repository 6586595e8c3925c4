import { mapPostgresError } from "@loginguard/db";
import { LoginGuardError, retryability } from "@loginguard/errors";

/**
 * Runs a store call and keeps the database's failure classification: drizzle wraps driver errors
 * (`DrizzleQueryError`, the driver's error as `cause`), so a lost connection is looked for in the
 * cause too and becomes a retryable error the stage runtime retries.
 */
export async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof LoginGuardError || retryability(err) !== undefined) throw err;
    const cause = (err as { cause?: unknown }).cause;
    const mapped = mapPostgresError(cause ?? err);
    throw mapped instanceof LoginGuardError ? mapped : err;
  }
}
