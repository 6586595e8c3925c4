import { PGlite } from "@electric-sql/pglite";

const t0 = Date.now();
setTimeout(() => {
  console.log("still not open after", Date.now() - t0, "ms");
  process.exit(3);
}, 30000).unref();
try {
  const db = await PGlite.create("/tmp/dbx/h1/pglite");
  console.log("opened in", Date.now() - t0, (await db.query("select 1 as x")).rows);
  await db.close();
} catch (e) {
  console.log("failed after", Date.now() - t0, e);
}
