import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { silentLogger } from "@loginguard/observability";
import { openPlatform } from "@loginguard/platform";
import { testEnv } from "@loginguard/testing";
import { relaySuite } from "./relay-suite";

relaySuite("the embedded log (PGlite)", async () => {
  const dir = mkdtempSync(join(testEnv.tmpRoot, "loginguard-relay-embedded-"));
  // As `npm start` opens it: the embedded event log on PGlite in a data directory.
  const platform = await openPlatform({
    service: "relay-test",
    dataDir: dir,
    needsDatabase: false,
    logger: silentLogger(),
  });
  return {
    bus: platform.bus,
    createTopic: async (name, partitions) => {
      await platform.bus.ensureTopics([{ name, partitions }]);
    },
    canCreateTopics: true,
    async cleanup() {
      await platform.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
