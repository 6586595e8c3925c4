import { createEmbeddedBus } from "@loginguard/bus";
import { silentLogger } from "@loginguard/observability";
import { describeResponderStages } from "./stage-suite";
import { pgliteFactory } from "./support/database";

describeResponderStages("the embedded log on PGlite (one database, as `npm start` runs it)", async () => {
  const made = pgliteFactory();
  const db = await made.open();
  const bus = await createEmbeddedBus({ db, logger: silentLogger(), idlePollMs: 200 });
  return {
    bus,
    db,
    createTopics: async (names) => {
      await bus.ensureTopics(names.map((name) => ({ name, partitions: 4 })));
    },
    async cleanup() {
      await bus.close();
      await db.close();
      await made.cleanup();
    },
  };
});
