import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

const MOCK_DIR = fileURLToPath(new URL("../../../infra/kafka-mock/", import.meta.url));
/** Path of the helper binary that `build.sh` produces. */
export const MOCK_CLUSTER_BINARY = `${MOCK_DIR}build/mock_cluster`;

/** Kafka protocol request types, for `pushRequestErrors`. */
export const KafkaApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
} as const;

/** Kafka protocol error codes, for `pushRequestErrors`. */
export const KafkaErrorCode = {
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  LEADER_NOT_AVAILABLE: 5,
  NOT_LEADER_FOR_PARTITION: 6,
  REQUEST_TIMED_OUT: 7,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  NOT_ENOUGH_REPLICAS: 19,
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: 20,
  ILLEGAL_GENERATION: 22,
  UNKNOWN_MEMBER_ID: 25,
  REBALANCE_IN_PROGRESS: 27,
} as const;

export interface KafkaClusterTopic {
  name: string;
  partitions: number;
  /** Default: min(3, brokers). */
  replication?: number;
}

export interface KafkaClusterOptions {
  /** Number of brokers (ids 1..N). Default 3. */
  brokers?: number;
  /** Topics to create before the promise resolves. */
  topics?: KafkaClusterTopic[];
  /** How long one command may take before it fails. Default 10 s. */
  commandTimeoutMs?: number;
}

/** A running librdkafka mock cluster (infra/kafka-mock) that kafkajs and kcat can talk to. */
export interface KafkaTestCluster {
  /** `host:port` of every broker. */
  readonly bootstrap: string[];
  /** Creates a topic (the mock has no CreateTopics API; this is how tests get topics). */
  createTopic(name: string, partitions: number, replication?: number): Promise<void>;
  /** Disconnects the broker and refuses connections; its partitions keep it as leader. */
  brokerDown(id: number): Promise<void>;
  brokerUp(id: number): Promise<void>;
  /** Moves a partition's leader (-1: no leader). */
  setLeader(topic: string, partition: number, brokerId: number): Promise<void>;
  /** The next `count` requests of `apiKey` fail with `errorCode` (see KafkaApiKey / KafkaErrorCode). */
  pushRequestErrors(apiKey: number, errorCode: number, count?: number): Promise<void>;
  /** Delays every response of one broker. */
  setRtt(brokerId: number, ms: number): Promise<void>;
  /** Pins the coordinator of a consumer group (default: crc32 of the group id over the brokers). */
  setGroupCoordinator(group: string, brokerId: number): Promise<void>;
  /** Destroys the cluster. Idempotent. */
  stop(): Promise<void>;
}

/** Builds the helper when its source is newer than the binary (flock-protected, concurrent-safe). */
export async function buildMockCluster(): Promise<string> {
  try {
    await execFileAsync("sh", [`${MOCK_DIR}build.sh`]);
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? "";
    throw new Error(`building ${MOCK_CLUSTER_BINARY} failed: ${stderr.trim() || String(err)}`, {
      cause: err,
    });
  }
  return MOCK_CLUSTER_BINARY;
}

const running = new Set<ChildProcessWithoutNullStreams>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of running) child.kill("SIGKILL");
  });
}

interface Waiter {
  command: string;
  resolve(line: string): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Starts a Kafka-protocol test cluster of `brokers` brokers on loopback (building the helper if
 * needed), creates `topics`, and resolves once it answers. Call `stop()` when done; the child is
 * also killed when this process exits, and exits by itself when its stdin closes.
 */
export async function startKafkaCluster(options: KafkaClusterOptions = {}): Promise<KafkaTestCluster> {
  const brokers = options.brokers ?? 3;
  const commandTimeoutMs = options.commandTimeoutMs ?? 10_000;
  const binary = await buildMockCluster();
  installExitHook();

  const child = spawn(binary, [String(brokers)], { stdio: ["pipe", "pipe", "pipe"] });
  running.add(child);
  const stderrTail: string[] = [];
  createInterface({ input: child.stderr }).on("line", (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 20) stderrTail.shift();
  });

  const waiters: Waiter[] = [];
  let bootstrapLine: { resolve(line: string): void; reject(err: Error): void } | undefined;
  let exited = false;
  const failAll = (err: Error) => {
    bootstrapLine?.reject(err);
    for (const w of waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(err);
    }
  };
  const exitPromise = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exited = true;
      running.delete(child);
      const tail = stderrTail.length ? `; stderr: ${stderrTail.join(" | ")}` : "";
      failAll(new Error(`mock cluster exited (code ${code}, signal ${signal})${tail}`));
      resolve();
    });
  });
  child.once("error", (err) => failAll(err));
  child.stdin.on("error", () => {
    // EPIPE after the child died: reported through the exit handler.
  });

  createInterface({ input: child.stdout }).on("line", (line) => {
    if (bootstrapLine) {
      const pending = bootstrapLine;
      bootstrapLine = undefined;
      pending.resolve(line);
      return;
    }
    const waiter = waiters.shift();
    if (!waiter) return;
    clearTimeout(waiter.timer);
    if (line.startsWith("OK")) waiter.resolve(line);
    else waiter.reject(new Error(`mock cluster: "${waiter.command}" failed: ${line}`));
  });

  const first = await withTimeout(
    new Promise<string>((resolve, reject) => {
      bootstrapLine = { resolve, reject };
    }),
    commandTimeoutMs,
    "mock cluster did not print its bootstrap list",
  ).catch((err: unknown) => {
    child.kill("SIGKILL");
    throw err;
  });
  const match = /^BOOTSTRAP (\S+)$/.exec(first);
  if (!match?.[1]) {
    child.kill("SIGKILL");
    throw new Error(`mock cluster printed "${first}" instead of BOOTSTRAP <list>`);
  }
  const bootstrap = match[1].split(",");

  const command = (line: string): Promise<string> => {
    if (exited) return Promise.reject(new Error(`mock cluster is not running ("${line}")`));
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = waiters.findIndex((w) => w.timer === timer);
        if (index >= 0) waiters.splice(index, 1);
        reject(new Error(`mock cluster did not answer "${line}" within ${commandTimeoutMs} ms`));
      }, commandTimeoutMs);
      waiters.push({ command: line, resolve, reject, timer });
      child.stdin.write(`${line}\n`);
    });
  };
  const checkName = (name: string) => {
    if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`invalid topic or group name "${name}"`);
  };

  let stopping: Promise<void> | undefined;
  const cluster: KafkaTestCluster = {
    bootstrap,
    async createTopic(name, partitions, replication) {
      checkName(name);
      await command(`topic ${name} ${partitions}${replication === undefined ? "" : ` ${replication}`}`);
    },
    async brokerDown(id) {
      await command(`down ${id}`);
    },
    async brokerUp(id) {
      await command(`up ${id}`);
    },
    async setLeader(topic, partition, brokerId) {
      checkName(topic);
      await command(`leader ${topic} ${partition} ${brokerId}`);
    },
    async pushRequestErrors(apiKey, errorCode, count = 1) {
      await command(`error ${apiKey} ${errorCode} ${count}`);
    },
    async setRtt(brokerId, ms) {
      await command(`rtt ${brokerId} ${ms}`);
    },
    async setGroupCoordinator(group, brokerId) {
      checkName(group);
      await command(`coordinator group ${group} ${brokerId}`);
    },
    stop() {
      stopping ??= (async () => {
        if (exited) return;
        child.stdin.end("quit\n");
        const killer = setTimeout(() => child.kill("SIGKILL"), 3_000);
        await exitPromise;
        clearTimeout(killer);
      })();
      return stopping;
    },
  };

  try {
    for (const topic of options.topics ?? [])
      await cluster.createTopic(topic.name, topic.partitions, topic.replication);
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
