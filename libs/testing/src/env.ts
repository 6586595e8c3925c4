import { homedir } from "node:os";
import { join } from "node:path";

/** Test-run settings (also read by `loginguard dev up`, which starts the same fixtures). */
export const testEnv = {
  /** `CI=true` (or 1) turns a missing component from a skip into a failure. Default: unset. */
  ci: process.env.CI === "true" || process.env.CI === "1",
  /** Where fixtures put temporary directories and build outputs. Default /tmp. */
  tmpRoot: process.env.LOGINGUARD_TEST_TMP ?? "/tmp",
  /** PostgreSQL server binaries (initdb, postgres, pg_ctl, pg_isready, psql) for the fixture. */
  postgresBin: process.env.LOGINGUARD_TEST_PG_BIN ?? "/usr/lib/postgresql/15/bin",
  /**
   * Cache of Apache Kafka's broker jars, outside the tree and kept across runs: the fixture puts
   * them in `<dir>/kafka-<version>/libs`. Default `~/.cache/loginguard` (LOGINGUARD_KAFKA_CACHE).
   */
  kafkaCache: process.env.LOGINGUARD_KAFKA_CACHE ?? join(homedir(), ".cache", "loginguard"),
};
