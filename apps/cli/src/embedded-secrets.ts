import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Keys and secrets embedded mode generates at first start when none are configured. */
export interface EmbeddedSecrets {
  ingestApiKey: string;
  adminApiKey: string;
  playerTokenSecret: string;
  staffSessionSecret: string;
}

const FILE = "secrets.json";
const token = (bytes: number) => randomBytes(bytes).toString("base64url");

/**
 * Reads `DATA_DIR/secrets.json`, creating it (mode 0600) on first start, so keys stay the same
 * across restarts. Returns the secrets and whether they were just created.
 */
export function loadOrCreateSecrets(dataDir: string): { secrets: EmbeddedSecrets; created: boolean } {
  const path = join(dataDir, FILE);
  if (existsSync(path)) {
    return { secrets: JSON.parse(readFileSync(path, "utf8")) as EmbeddedSecrets, created: false };
  }
  mkdirSync(dataDir, { recursive: true });
  const secrets: EmbeddedSecrets = {
    ingestApiKey: `lg_ingest_${token(24)}`,
    adminApiKey: `lg_admin_${token(24)}`,
    playerTokenSecret: token(32),
    staffSessionSecret: token(32),
  };
  writeFileSync(path, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  return { secrets, created: true };
}

/**
 * The environment with generated values for every key or secret the operator did not set.
 * Operator settings always win.
 */
export function withEmbeddedDefaults(
  env: Record<string, string | undefined>,
  secrets: EmbeddedSecrets,
): Record<string, string | undefined> {
  const set = (name: string) => env[name] !== undefined && env[name] !== "";
  return {
    ...env,
    INGEST_API_KEYS: set("INGEST_API_KEYS") ? env.INGEST_API_KEYS : `default:${secrets.ingestApiKey}`,
    ADMIN_API_KEYS: set("ADMIN_API_KEYS") ? env.ADMIN_API_KEYS : `default:${secrets.adminApiKey}`,
    PLAYER_TOKEN_SECRET: set("PLAYER_TOKEN_SECRET") ? env.PLAYER_TOKEN_SECRET : secrets.playerTokenSecret,
    STAFF_SESSION_SECRET: set("STAFF_SESSION_SECRET") ? env.STAFF_SESSION_SECRET : secrets.staffSessionSecret,
  };
}
