// Inserts into the embedded database in argv[2] until killed, printing the ids of each commit
// after it returned: "ids 1,2,3". Single-row inserts, multi-row inserts and transactions in turn.
import { migrate, openDatabase } from "../../src/index";

const db = await openDatabase({ dataDir: process.argv[2] ?? "" });
await migrate(db, {
  schema: "crash",
  migrations: [
    { id: 1, name: "rows", sql: "CREATE TABLE crash.rows (id int PRIMARY KEY, payload bytea NOT NULL)" },
  ],
});
const payload = new Uint8Array(200).fill(7);
let next =
  (await db.sql.query<{ max: number | null }>("SELECT max(id) AS max FROM crash.rows")).rows[0]?.max ?? 0;
process.stdout.write("ready\n");
for (let round = 0; ; round++) {
  const ids = Array.from({ length: round % 3 === 0 ? 1 : 10 }, () => ++next);
  if (round % 3 === 2) {
    await db.sql.transaction(async (tx) => {
      for (const id of ids) await tx.query("INSERT INTO crash.rows VALUES ($1, $2)", [id, payload]);
    });
  } else {
    const values = ids.map((_, i) => `($${i * 2 + 1}, $${i * 2 + 2})`).join(", ");
    await db.sql.query(
      `INSERT INTO crash.rows VALUES ${values}`,
      ids.flatMap((id) => [id, payload]),
    );
  }
  process.stdout.write(`ids ${ids.join(",")}\n`);
}
