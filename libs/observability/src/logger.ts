import pino, { type Logger } from "pino";

export type { Logger };

/** Redacted everywhere: secrets, tokens and full IPs never reach the logs. */
export const LOG_REDACT_PATHS = [
  "password",
  "*.password",
  "token",
  "*.token",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "headers.cookie",
  "ip",
  "*.ip",
  "code",
  "*.code",
];

let root: Logger | undefined;

/** Root logger options; call once at start (LOG_LEVEL is parsed in each app's env.ts). */
export function configureLogging(options: { level?: string; pretty?: boolean } = {}): void {
  root = pino({ level: options.level ?? "info", redact: { paths: LOG_REDACT_PATHS, censor: "[redacted]" } });
}

/** One logger per component: every line carries `component`. */
export function createLogger(component: string, bindings: Record<string, unknown> = {}): Logger {
  root ??= pino({ level: "info", redact: { paths: LOG_REDACT_PATHS, censor: "[redacted]" } });
  return root.child({ component, ...bindings });
}

/** A logger that writes nothing, for tests that assert on other things. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
