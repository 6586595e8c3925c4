import { LoginGuardError, retryability, retryableError } from "@loginguard/errors";

/** Messages of node-postgres errors that mean the connection, not the statement, failed. */
const CONNECTION_LOST =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection terminated unexpectedly|the database system is (starting up|shutting down)/i;

/**
 * Maps a PostgreSQL failure to what the stage runtime needs: a lost or refused connection, a
 * server shutting down or a serialization failure becomes a retryable `LoginGuardError` (code
 * `database_unavailable`, the original as `cause`); anything else (a constraint, a syntax error)
 * is returned unchanged so callers can still read its SQLSTATE `code`.
 */
export function mapPostgresError(err: unknown): unknown {
  if (err instanceof LoginGuardError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (retryability(err) === true || CONNECTION_LOST.test(message)) {
    const code = (err as { code?: unknown }).code;
    return retryableError(
      `database unavailable: ${message}`,
      "database_unavailable",
      { sqlstate: code },
      err,
    );
  }
  return err;
}
