/**
 * Errors that tell the stage runtime and the HTTP boundary what to do with them:
 * `retryable` (try again later: a database, broker or provider is down) or not (the input is
 * wrong: dead-letter it, or answer 4xx), plus `context` for logs and `cause` for the chain.
 */
export interface LoginGuardErrorOptions {
  /** Stable machine-readable code, e.g. `invalid_event`, `provider_unavailable`. */
  code: string;
  /** true: retry with backoff; false: dead-letter / 4xx; undefined: unknown, bounded retries. */
  retryable?: boolean;
  /** Structured facts for logs and dead-letter records. Never secrets or full IPs. */
  context?: Record<string, unknown>;
  cause?: unknown;
}

export class LoginGuardError extends Error {
  readonly code: string;
  readonly retryable: boolean | undefined;
  readonly context: Record<string, unknown>;

  constructor(message: string, options: LoginGuardErrorOptions) {
    super(message, { cause: options.cause });
    this.name = "LoginGuardError";
    this.code = options.code;
    this.retryable = options.retryable;
    this.context = options.context ?? {};
  }
}

/** A dependency is unavailable for now (database, broker, provider 5xx): retry with backoff. */
export function retryableError(
  message: string,
  code = "unavailable",
  context?: Record<string, unknown>,
  cause?: unknown,
): LoginGuardError {
  return new LoginGuardError(message, { code, retryable: true, context, cause });
}

/** The input can never succeed (invalid record, provider 4xx): dead-letter it or answer 4xx. */
export function permanentError(
  message: string,
  code = "invalid",
  context?: Record<string, unknown>,
  cause?: unknown,
): LoginGuardError {
  return new LoginGuardError(message, { code, retryable: false, context, cause });
}

/**
 * How to treat any thrown value: `true` retry, `false` give up now, `undefined` unknown.
 * Looks through `cause` so a wrapped database error keeps its classification.
 */
export function retryability(err: unknown): boolean | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (e instanceof LoginGuardError && e.retryable !== undefined) return e.retryable;
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && isTransientSystemCode(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Network errors from Node and PostgreSQL SQLSTATE classes that go away by themselves. */
function isTransientSystemCode(code: string): boolean {
  if (["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ENOTFOUND"].includes(code)) {
    return true;
  }
  // 08: connection exception, 40001/40P01: serialization/deadlock, 53: insufficient resources,
  // 57P01-03: admin shutdown / crash shutdown / cannot connect now.
  return /^(08...|40001|40P01|53...|57P0[123])$/.test(code);
}

/** A short, log-safe description of any thrown value. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
