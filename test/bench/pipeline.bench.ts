// The pipeline benchmark of docs/ARCHITECTURE.md section 12:
//   npm run bench [-- --quick] [-- --mode embedded|distributed|both] [-- --logins N] [-- --seconds S]
//                 [-- --trace] [-- --profile <service>]
// For each mode, with the real services over real HTTP (a load generator in its own process):
// end-to-end throughput at peak and latency at a fifth of peak, next to the bare four-hop
// baseline on the same event log measured in this run; ingest requests/s next to a bare
// node:http server that only writes to the event log; RSS and CPU per process under load.
// --quick: distributed mode only, small runs, no ingest comparison (under a minute). The last
// line is `end-to-end/baseline: <ratio>` for distributed mode. --trace: where a probe's time
// goes, per topic and per stage; --profile ingest|ip-checker|logger|account-security|responder:
// a V8 CPU profile of that distributed service (summarize with cpuprofile-top.ts).
import { configureLogging } from "@loginguard/observability";
import { LoadClient } from "./load-client.ts";
import { distributedMode, embeddedMode } from "./modes.ts";
import { report } from "./report.ts";
import type { ModeResult } from "./results.ts";
import { MODE } from "./settings.ts";

configureLogging({ level: "warn" });
const load = await LoadClient.start();
const results: ModeResult[] = [];
try {
  if (MODE === "both" || MODE === "embedded") results.push(await embeddedMode(load));
  if (MODE === "both" || MODE === "distributed") results.push(await distributedMode(load));
} finally {
  await load.stop();
}
report(results);
process.exit(0);
