import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmbeddedBus } from "@loginguard/bus";
import { openDatabase } from "@loginguard/db";
import { silentLogger } from "@loginguard/observability";
import { describeLoggerStages } from "./stage-suite";

// The embedded mode as `npm start` runs it: the event log and the logger's tables in one PGlite.
describeLoggerStages("logger stages on the embedded event log (PGlite)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "logger-embedded-"));
  const db = await openDatabase({ dataDir: dir });
  const bus = await createEmbeddedBus({ db, logger: silentLogger() });
  return {
    bus,
    db,
    async cleanup() {
      await bus.close();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
