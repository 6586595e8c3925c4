import { customType } from "drizzle-orm/pg-core";

/**
 * A `bytea` column for drizzle (which has none built in): bytes in as a `Uint8Array`, out as a
 * `Uint8Array` (a `Buffer`, its subclass, on PostgreSQL).
 */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
});
