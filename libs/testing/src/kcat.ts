import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { testEnv } from "./env";

/** A record for `kcatProduce`. */
export interface KcatOutgoingRecord {
  /** Omitted or null: no key. */
  key?: string | null;
  value: string | Buffer;
  headers?: Record<string, string>;
  /** Omitted: kcat picks the partition from the key (murmur2, like kafkajs and Java clients). */
  partition?: number;
}

/** A record as `kcat -C -J` prints it. */
export interface KcatRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  /** The value as text (kcat prints values as strings). */
  value: string | null;
  /** Headers; the last value wins for a repeated name. */
  headers: Record<string, string>;
}

export interface KcatConsumeOptions {
  /** Stop after this many records; omitted: read to the end of every partition (`-e`). */
  count?: number;
  /** Read one partition only. */
  partition?: number;
  /** Default "beginning"; also "end", a number, or a negative number (relative to the end). */
  offset?: string | number;
  /** Fail after this long. Default 15 s. */
  timeoutMs?: number;
}

interface RunResult {
  stdout: string[];
  stderr: string;
}

function run(args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("kcat", args, { stdio: ["ignore", "pipe", "pipe"] });
    const stdout: string[] = [];
    let stderr = "";
    createInterface({ input: child.stdout }).on("line", (line) => stdout.push(line));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `kcat ${args.join(" ")} did not finish within ${timeoutMs} ms (${stdout.length} lines read)${stderr ? `: ${stderr.trim()}` : ""}`,
        ),
      );
    }, timeoutMs);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`kcat ${args.join(" ")} exited with ${code}: ${stderr.trim()}`));
    });
  });
}

function groupKey(record: KcatOutgoingRecord): string {
  return JSON.stringify([record.key ?? null, record.partition ?? null, Object.entries(record.headers ?? {})]);
}

/**
 * Produces records with kcat (`kcat -P -b ... -t ... -k key -H name=value file...`), `acks=all`,
 * murmur2 partitioning so a key lands where kafkajs would put it. Each value is sent as one
 * message from a temporary file, so values may hold newlines or binary. Records sharing key,
 * partition and headers go in one kcat run, in order.
 */
export async function kcatProduce(
  bootstrap: string[],
  topic: string,
  records: KcatOutgoingRecord[],
): Promise<void> {
  const dir = await mkdtemp(join(testEnv.tmpRoot, "kcat-"));
  try {
    let index = 0;
    // Consecutive records with the same key/headers/partition share one kcat run (keeps order).
    for (let start = 0; start < records.length; ) {
      const first = records[start]!;
      const key = groupKey(first);
      let end = start + 1;
      while (end < records.length && groupKey(records[end]!) === key) end++;
      const files: string[] = [];
      for (const record of records.slice(start, end)) {
        const file = join(dir, `v${index++}`);
        await writeFile(file, record.value);
        files.push(file);
      }
      const args = [
        "-P",
        "-q",
        "-b",
        bootstrap.join(","),
        "-t",
        topic,
        "-X",
        "acks=all",
        "-X",
        "topic.partitioner=murmur2_random",
      ];
      if (first.key !== undefined && first.key !== null) args.push("-k", first.key);
      if (first.partition !== undefined) args.push("-p", String(first.partition));
      for (const [name, value] of Object.entries(first.headers ?? {})) args.push("-H", `${name}=${value}`);
      await run([...args, ...files], 15_000);
      start = end;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface KcatJson {
  topic: string;
  partition: number;
  offset: number;
  ts?: number;
  headers?: string[];
  key: string | null;
  payload: string | null;
}

/**
 * Consumes records with kcat (`kcat -C -J -o beginning ...`) and returns them with their headers.
 * With `count`, waits for that many records (or fails after `timeoutMs`); without, reads to the
 * end of every partition.
 */
export async function kcatConsume(
  bootstrap: string[],
  topic: string,
  options: KcatConsumeOptions = {},
): Promise<KcatRecord[]> {
  const args = [
    "-C",
    "-J",
    "-q",
    "-u",
    "-b",
    bootstrap.join(","),
    "-t",
    topic,
    "-o",
    String(options.offset ?? "beginning"),
  ];
  if (options.partition !== undefined) args.push("-p", String(options.partition));
  if (options.count !== undefined) args.push("-c", String(options.count));
  else args.push("-e");
  const { stdout } = await run(args, options.timeoutMs ?? 15_000);
  return stdout
    .filter((line) => line.startsWith("{"))
    .map((line) => {
      const json = JSON.parse(line) as KcatJson;
      const headers: Record<string, string> = {};
      const list = json.headers ?? [];
      for (let i = 0; i + 1 < list.length; i += 2) headers[list[i]!] = list[i + 1]!;
      return {
        topic: json.topic,
        partition: json.partition,
        offset: json.offset,
        timestamp: json.ts ?? 0,
        key: json.key,
        value: json.payload,
        headers,
      };
    });
}
