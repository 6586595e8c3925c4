import { describeStore } from "./store-suite";
import { pgliteFactory } from "./support/database";

describeStore("responder store on PGlite", pgliteFactory);
