import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import { connect } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { requireComponents, testEnv } from "@loginguard/testing";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, describe, expect, it } from "vitest";

const execFileAsync = promisify(execFile);
const CLI_DIR = fileURLToPath(new URL("../..", import.meta.url));
const missing = requireComponents("java", "maven", "postgresql");

/** `loginguard dev up ...` as a user runs it (`npm run loginguard` is `tsx apps/cli/src/main.ts`). */
function devUp(args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcessWithoutNullStreams {
  const clean = { ...env };
  delete clean.DATABASE_URL;
  delete clean.KAFKA_BROKERS;
  return spawn(process.execPath, ["--import", "tsx", "src/main.ts", "dev", "up", ...args], {
    cwd: CLI_DIR,
    env: clean,
  });
}

function refuses(address: string): Promise<boolean> {
  const [host, port] = address.split(":");
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port) });
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

describe.skipIf(missing.skip)("loginguard dev up", () => {
  let child: ChildProcessWithoutNullStreams | undefined;
  afterAll(() => {
    child?.kill("SIGKILL");
  });

  it("prints exports that reach a real Kafka and PostgreSQL, and cleans up on SIGTERM", async () => {
    child = devUp(["--brokers", "1"]);
    const lines: string[] = [];
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child?.once("exit", resolve));
    const started = Date.now();
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child!.stdout }).on("line", (line) => {
        lines.push(line);
        if (line === "ready") resolve();
      });
      exited.then((code) => reject(new Error(`dev up exited with ${code}: ${stderr}`)));
    });
    console.log(`[dev up] ready in ${Date.now() - started} ms (1 node + PostgreSQL)`);
    expect(lines).toHaveLength(3);
    const exports = Object.fromEntries(
      lines.slice(0, 2).map((l) => {
        const m = /^export (KAFKA_BROKERS|DATABASE_URL)=(\S+)$/.exec(l);
        expect(m, l).not.toBeNull();
        return [m![1], m![2]];
      }),
    ) as Record<"KAFKA_BROKERS" | "DATABASE_URL", string>;
    expect(exports.KAFKA_BROKERS).toMatch(/^127\.0\.0\.1:\d+$/);

    const admin = new Kafka({
      brokers: exports.KAFKA_BROKERS.split(","),
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      expect((await admin.describeCluster()).brokers).toHaveLength(1);
      expect(await admin.createTopics({ topics: [{ topic: "dev.check", numPartitions: 2 }] })).toBe(true);
    } finally {
      await admin.disconnect();
    }
    const { stdout } = await execFileAsync(`${testEnv.postgresBin}/psql`, [
      exports.DATABASE_URL,
      "-XAtc",
      "select 40 + 2",
    ]);
    expect(stdout.trim()).toBe("42");

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(lines.at(-1)).toBe("stopped; temporary data removed");
    expect(await refuses(exports.KAFKA_BROKERS)).toBe(true);
    const pgPort = new URL(exports.DATABASE_URL).port;
    expect(await refuses(`127.0.0.1:${pgPort}`)).toBe(true);
  });

  it("says in one line which Debian package to install when Java is missing", async () => {
    const noJava = devUp([], { ...process.env, PATH: "/nonexistent" });
    let stderr = "";
    noJava.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => noJava.once("exit", resolve));
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain("openjdk-17-jre-headless");
  });

  it("refuses bad usage", async () => {
    const bad = devUp(["--brokers", "0"]);
    const code = await new Promise<number | null>((resolve) => bad.once("exit", resolve));
    expect(code).toBe(2);
  });
});
