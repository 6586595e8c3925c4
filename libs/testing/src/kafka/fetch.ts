import { execFile } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { LoginGuardError } from "@loginguard/errors";
import { testEnv } from "../env";

const execFileAsync = promisify(execFile);

/** Apache Kafka broker version the fixture runs (keep in step with infra/kafka/pom.xml). */
export const KAFKA_VERSION = "4.1.2";

const INFRA_DIR = fileURLToPath(new URL("../../../../infra/kafka/", import.meta.url));
/** The pom that lists the broker's jars (`copy-dependencies`). */
export const KAFKA_POM = join(INFRA_DIR, "pom.xml");
/** The quiet log4j2 configuration every node runs with. */
export const KAFKA_LOG_CONFIG = join(INFRA_DIR, "log4j2.properties");

/** Directory holding the broker jars of {@link KAFKA_VERSION} (for `java -cp '<dir>/*'`). */
export function kafkaLibsDir(): string {
  return join(testEnv.kafkaCache, `kafka-${KAFKA_VERSION}`, "libs");
}

const COMPLETE_MARKER = ".complete";

/**
 * Makes sure the broker jars are in {@link kafkaLibsDir}: the first caller runs Maven
 * (`dependency:copy-dependencies` on infra/kafka/pom.xml, from Maven Central or ~/.m2), every
 * later one finds the marker file and returns at once. Concurrent callers (test files in
 * parallel) serialise on a `flock` lock file next to the directory, so Maven runs once.
 */
export async function ensureKafkaLibs(): Promise<string> {
  const libs = kafkaLibsDir();
  const marker = join(libs, COMPLETE_MARKER);
  if (existsSync(marker)) return libs;
  const versionDir = join(testEnv.kafkaCache, `kafka-${KAFKA_VERSION}`);
  mkdirSync(versionDir, { recursive: true });
  // Under the lock: check again (another process may have finished meanwhile), then fetch.
  const script =
    'test -f "$1" || { mvn -q -B -f "$2" dependency:copy-dependencies -Dkafka.libs="$3" -Dkafka.version="$4" && touch "$1"; }';
  try {
    await execFileAsync(
      "flock",
      [join(versionDir, "fetch.lock"), "sh", "-c", script, "sh", marker, KAFKA_POM, libs, KAFKA_VERSION],
      { timeout: 600_000, maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (err) {
    const out = err as { stdout?: string; stderr?: string; code?: string | number };
    const detail = `${out.stdout ?? ""}${out.stderr ?? ""}`.trim().split("\n").slice(-15).join("\n");
    throw new LoginGuardError(
      out.code === "ENOENT"
        ? "fetching the Kafka broker jars needs flock (util-linux) and mvn (Debian package maven)"
        : `fetching the Kafka ${KAFKA_VERSION} broker jars with Maven failed: ${detail || String(err)}`,
      { code: "kafka_fetch_failed", retryable: false, context: { pom: KAFKA_POM, libs }, cause: err },
    );
  }
  return libs;
}
