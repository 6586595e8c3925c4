// Opens the embedded database in argv[2], says "ready", and holds it until killed.
import { openDatabase } from "../../src/index";

const db = await openDatabase({ dataDir: process.argv[2] ?? "" });
await db.sql.query("SELECT 1");
process.stdout.write("ready\n");
setInterval(() => {}, 60_000);
