import { z } from "zod";

export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Parses environment variables with a zod object schema, once, at start. A bad value fails with
 * one message naming every offending variable, what it got and what it expects.
 */
export function parseEnv<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv | Record<string, string | undefined>,
): z.infer<S> {
  // Empty strings mean "not set", as in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? "(environment)");
    const got = cleaned[name];
    const shown =
      got === undefined
        ? "not set"
        : /SECRET|PASSWORD|TOKEN|KEY/.test(name)
          ? "[hidden]"
          : JSON.stringify(got);
    return `  ${name}: ${issue.message} (got ${shown})`;
  });
  throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
}

/** Reusable field types for env schemas. */
export const envFields = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  positiveInt: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  boolean: (fallback: boolean) =>
    z
      .enum(["true", "false", "1", "0", "yes", "no"])
      .transform((v) => ["true", "1", "yes"].includes(v))
      .default(fallback),
  /** Comma-separated `host:port` list. */
  brokers: () =>
    z
      .string()
      .transform((s) =>
        s
          .split(",")
          .map((b) => b.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(/^[^\s:]+:\d+$/, "expected host:port")).min(1)),
  url: () => z.url(),
};
