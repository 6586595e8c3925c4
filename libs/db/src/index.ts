export { bytea } from "./columns";
export { DataDirLockedError, LOCK_FILE } from "./data-dir-lock";
export { type AccountTable, deleteAccountRows, selectAccountRows } from "./erase";
export { mapPostgresError } from "./errors";
export { type MigrateResult, migrate } from "./migrate";
export { type OpenDatabaseOptions, openDatabase } from "./open";
export { MEMORY_DATA_DIR } from "./open-pglite";
export type { Database, Migration, ServiceSchema, SqlClient } from "./types";
