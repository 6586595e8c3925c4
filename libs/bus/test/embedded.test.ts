import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { openDatabase } from "@loginguard/db";
import { testEnv } from "@loginguard/testing";
import { embeddedBusSuite } from "./embedded-suite";

embeddedBusSuite("PGlite", async () => {
  const dir = mkdtempSync(join(testEnv.tmpRoot, "loginguard-embedded-bus-"));
  return {
    open: () => openDatabase({ dataDir: dir }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
