import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "@loginguard/db";
import { describePortalStorage } from "./storage-suite";

describePortalStorage("portal storage on PGlite (embedded, data in a temp dir)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "loginguard-portal-"));
  return {
    open: () => openDatabase({ dataDir: dir }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
