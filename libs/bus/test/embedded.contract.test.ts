import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { openDatabase } from "@loginguard/db";
import { silentLogger } from "@loginguard/observability";
import { testEnv } from "@loginguard/testing";
import { createEmbeddedBus } from "../src/embedded/index";
import { busContract } from "./contract";
import { faultyDatabase, sleep } from "./embedded-fixture";

// The label goes into topic names, so it is a plain word. Every Bus of the suite opens the same PGlite database (one process owns it), as the clients of
// one broker; the fault is the database refusing every statement for a while.
busContract("embedded", async () => {
  const dir = mkdtempSync(join(testEnv.tmpRoot, "loginguard-embedded-contract-"));
  const real = await openDatabase({ dataDir: dir });
  const faulty = faultyDatabase(real);
  const options = { db: faulty.db, logger: silentLogger(), redeliveryBackoffMs: { initial: 20, max: 200 } };
  const admin = await createEmbeddedBus(options);
  return {
    newBus: () => createEmbeddedBus(options),
    async createTopic(name, partitions) {
      await admin.ensureTopics([{ name, partitions }]);
    },
    async disrupt() {
      faulty.setFailing(true);
      await sleep(400);
      faulty.setFailing(false);
    },
    settleMs: 50,
    async cleanup() {
      await admin.close();
      await real.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
