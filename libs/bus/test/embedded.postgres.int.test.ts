import { openDatabase } from "@loginguard/db";
import { silentLogger } from "@loginguard/observability";
import { requireComponents } from "@loginguard/testing";
import { type PostgresServer, usePostgres } from "@loginguard/testing/postgres";
import { afterAll, beforeAll, describe } from "vitest";
import { createEmbeddedBus } from "../src/embedded/index";
import { busContract } from "./contract";
import { embeddedBusSuite } from "./embedded-suite";

const missing = requireComponents("postgresql");

// The embedded driver on PostgreSQL: any SqlClient works (the distributed mode uses Kafka).
describe.skipIf(missing.skip)("embedded bus on PostgreSQL", () => {
  let server: PostgresServer;

  beforeAll(async () => {
    server = await usePostgres();
  });

  afterAll(async () => {
    await server?.stop();
  });

  embeddedBusSuite("PostgreSQL", async () => {
    const url = await server.createDatabase();
    return { open: () => openDatabase({ databaseUrl: url }), cleanup: async () => {} };
  });

  busContract("embedded_pg", async () => {
    const db = await openDatabase({ databaseUrl: await server.createDatabase() });
    const options = { db, logger: silentLogger(), redeliveryBackoffMs: { initial: 20, max: 200 } };
    const admin = await createEmbeddedBus(options);
    return {
      newBus: () => createEmbeddedBus(options),
      async createTopic(name, partitions) {
        await admin.ensureTopics([{ name, partitions }]);
      },
      settleMs: 50,
      async cleanup() {
        await admin.close();
        await db.close();
      },
    };
  });
});
