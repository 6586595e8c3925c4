import { openDatabase } from "@loginguard/db";
import { requireComponents } from "@loginguard/testing";
import { type PostgresServer, usePostgres } from "@loginguard/testing/postgres";
import { afterAll, beforeAll, describe } from "vitest";
import { describePortalStorage } from "./storage-suite";

const missing = requireComponents("postgresql");

describe.skipIf(missing.skip)("PostgreSQL", () => {
  let server: PostgresServer;

  beforeAll(async () => {
    server = await usePostgres();
  });

  afterAll(async () => {
    await server?.stop();
  });

  describePortalStorage("portal storage on PostgreSQL 15", async () => ({
    open: async () => openDatabase({ databaseUrl: await server.createDatabase() }),
    cleanup: async () => {},
  }));
});
