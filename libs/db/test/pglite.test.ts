import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../src/index";
import { describeDatabase } from "./database-suite";

describeDatabase("PGlite (embedded)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "loginguard-db-"));
  return {
    open: () => openDatabase({ dataDir: dir }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
