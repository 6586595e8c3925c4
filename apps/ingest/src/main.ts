/**
 * Distributed mode: ingest as its own process (`npm start -w @loginguard/ingest`). Embedded
 * mode runs the same module from `loginguard start`.
 */
import { configureLogging } from "@loginguard/observability";
import { loadPlatformEnv, openPlatform, platformOptionsFromEnv, runModules } from "@loginguard/platform";
import { loadIngestConfig } from "./env";
import { createIngestService } from "./service";

const env = loadPlatformEnv();
configureLogging({ level: env.LOG_LEVEL });
const config = loadIngestConfig();
const platform = await openPlatform({
  ...platformOptionsFromEnv(env),
  service: "ingest",
  needsDatabase: false,
});
let ingest: ReturnType<typeof createIngestService>;
try {
  ingest = createIngestService({ bus: platform.bus, config });
} catch (err) {
  await platform.close();
  throw err;
}
// On a failed start runModules stops what it started, the platform included.
await runModules("ingest", [ingest], platform, { port: env.PORT });
