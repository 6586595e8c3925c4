import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { testEnv } from "../env";

/** Prefix of the fixture's temporary cluster directories. */
export const DIR_PREFIX = "loginguard-kafka-";
/** File in a cluster directory holding the pid of the process that started it. */
export const OWNER_FILE = "owner.pid";

/**
 * Kills nodes and removes cluster directories whose owning process is dead (a test process
 * SIGKILLed before its exit hook ran). A node pid is only killed if it still runs `kafka.Kafka`.
 */
export function cleanUpAbandoned(): void {
  let entries: string[];
  try {
    entries = readdirSync(testEnv.tmpRoot).filter((name) => name.startsWith(DIR_PREFIX));
  } catch {
    return;
  }
  for (const name of entries) {
    const dir = join(testEnv.tmpRoot, name);
    const owner = readPid(join(dir, OWNER_FILE));
    if (owner === undefined || isAlive(owner)) continue;
    let nodes: string[] = [];
    try {
      nodes = readdirSync(dir).filter((n) => n.startsWith("node-"));
    } catch {
      continue;
    }
    for (const node of nodes) {
      const pid = readPid(join(dir, node, "pid"));
      if (pid !== undefined && isKafka(pid)) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone meanwhile
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, "utf8"));
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function isKafka(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("kafka.Kafka");
  } catch {
    return false;
  }
}
