import { openDatabase } from "@loginguard/db";
import { requireComponents } from "@loginguard/testing";
import { type PostgresServer, usePostgres } from "@loginguard/testing/postgres";
import { afterAll, beforeAll, describe } from "vitest";
import { describeResponder } from "./responder-suite";

const missing = requireComponents("postgresql");

describe.skipIf(missing.skip)("PostgreSQL", () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await usePostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  describeResponder("responder handlers on PostgreSQL", () => ({
    open: async () => openDatabase({ databaseUrl: await server.createDatabase(), poolSize: 4 }),
    cleanup: async () => {},
  }));
});
