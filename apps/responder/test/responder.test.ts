import { describeResponder } from "./responder-suite";
import { pgliteFactory } from "./support/database";

describeResponder("responder handlers on PGlite", pgliteFactory);
