import { readFileSync } from "node:fs";
import { DEFAULT_RULES_CONFIG, type RulesConfig, RulesConfigSchema } from "./config";

/**
 * Reads and validates a `RULES_CONFIG` JSON file; the built-in defaults when `path` is undefined.
 * Throws one message naming the file and every bad field.
 */
export function loadRulesConfig(path: string | undefined): RulesConfig {
  if (!path) return DEFAULT_RULES_CONFIG;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`RULES_CONFIG ${path}: cannot read it as JSON: ${(err as Error).message}`);
  }
  return parseRulesConfig(json, path);
}

/** Validates an already parsed rules configuration (`source` names it in the error). */
export function parseRulesConfig(json: unknown, source = "rules configuration"): RulesConfig {
  const result = RulesConfigSchema.safeParse(json);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`);
  throw new Error(`RULES_CONFIG ${source} is invalid:\n${lines.join("\n")}`);
}
