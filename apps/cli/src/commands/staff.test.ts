import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "@loginguard/db";
import { StaffStore, verifyPassword } from "@loginguard/portal";
import { afterAll, describe, expect, it } from "vitest";
import { staffCommand } from "./staff";
import { captured, stdinOf } from "./staff-io";

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "loginguard-staff-"));
  dirs.push(dir);
  return dir;
};

async function run(args: string[], env: Record<string, string>, stdin = "") {
  const out = captured();
  const err = captured();
  const code = await staffCommand(args, {
    env,
    stdin: stdinOf(stdin),
    stdout: out.stream,
    stderr: err.stream,
  });
  return { code, out: out.text(), err: err.text() };
}

describe("loginguard staff add", () => {
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("adds a staff account to the embedded data directory with the password from stdin", async () => {
    const dataDir = tempDir();
    const args = ["add", "--email", "Ann@Example.com", "--role", "admin", "--password-stdin"];
    const added = await run(args, { DATA_DIR: dataDir }, "a good long password\n");
    expect(added.err).toBe("");
    expect(added.code).toBe(0);
    expect(added.out).toContain("added admin ann@example.com");
    const again = await run(args, { DATA_DIR: dataDir }, "another long password\n");
    expect(again.code).toBe(1);
    expect(again.err).toContain("already exists");

    const db = await openDatabase({ dataDir });
    try {
      const found = await new StaffStore(db).credentials("ann@example.com");
      expect(found?.role).toBe("admin");
      // The line ending is not part of the password.
      expect(await verifyPassword(found!.passwordHash, "a good long password")).toBe(true);
      expect(await verifyPassword(found!.passwordHash, "another long password")).toBe(false);
    } finally {
      await db.close();
    }
  });

  it("refuses bad input with usage and exit code 2", async () => {
    const env = { DATA_DIR: tempDir() };
    const short = await run(
      ["add", "--email", "a@example.com", "--role", "support", "--password-stdin"],
      env,
      "short\n",
    );
    expect(short.code).toBe(2);
    expect(short.err).toContain("at least 12 characters");
    const role = await run(
      ["add", "--email", "a@example.com", "--role", "root", "--password-stdin"],
      env,
      "long enough password\n",
    );
    expect(role.code).toBe(2);
    expect(role.err).toContain("role");
    const missing = await run(["add", "--email", "a@example.com"], env);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("--email and --role are required");
    // Without a terminal there is nobody to ask.
    const noTty = await run(["add", "--email", "a@example.com", "--role", "support"], env);
    expect(noTty.code).toBe(2);
    expect(noTty.err).toContain("--password-stdin");
    expect((await run(["remove"], env)).code).toBe(2);
  });
});
