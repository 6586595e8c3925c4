/** Test-run settings. `CI=true` turns a missing component from a skip into a failure. */
export const testEnv = {
  ci: process.env.CI === "true" || process.env.CI === "1",
  /** Where fixtures put temporary directories and build outputs. */
  tmpRoot: process.env.LOGINGUARD_TEST_TMP ?? "/tmp",
  /** PostgreSQL server binaries (initdb, postgres, pg_ctl, pg_isready, psql) for the fixture. */
  postgresBin: process.env.LOGINGUARD_TEST_PG_BIN ?? "/usr/lib/postgresql/15/bin",
};
