import { pgliteFactory } from "./fixtures";
import { describeLoggerStore } from "./history-suite";

describeLoggerStore("logger on PGlite", pgliteFactory);
