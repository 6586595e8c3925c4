import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LoginGuardError } from "@loginguard/errors";
import { type Admin, Kafka, logLevel } from "kafkajs";
import { testEnv } from "../env";
import { freePorts } from "../free-port";
import { cleanUpAbandoned, DIR_PREFIX, OWNER_FILE } from "./abandoned";
import { ensureKafkaLibs } from "./fetch";
import { DEFAULT_JVM_OPTIONS, KafkaNode } from "./node";

/** A topic for {@link KafkaClusterOptions.topics}. */
export interface KafkaClusterTopic {
  name: string;
  partitions: number;
  /** Default: min(3, brokers). */
  replication?: number;
  configs?: Record<string, string>;
}

/** Options for {@link startKafkaCluster}. */
export interface KafkaClusterOptions {
  /** Number of KRaft nodes (ids 1..N, each broker and controller). Default 1. */
  brokers?: number;
  /** Topics to create before the promise resolves. */
  topics?: KafkaClusterTopic[];
  /** Keep the nodes' data here (created if missing; reused when formatted). Default: a temp dir removed by `stopAll()`. */
  dataDir?: string;
  /** Broker settings on top of the test defaults (see {@link clusterDefaults}). */
  settings?: Record<string, string | number | boolean>;
  /** JVM flags. Default {@link DEFAULT_JVM_OPTIONS}. */
  jvmOptions?: string[];
  /** How long start-up (and `start(node)`) may take. Default 120 s. */
  startTimeoutMs?: number;
}

/** A running Apache Kafka cluster on loopback (real brokers, KRaft, no ZooKeeper). */
export interface KafkaCluster {
  /** `127.0.0.1:port` of every node's broker listener, node 1 first. */
  readonly bootstrap: string[];
  /** Node ids, 1..N. */
  readonly nodeIds: number[];
  /** Creates a topic and waits for its leaders. Fails if it exists. Replication default min(3, N). */
  createTopic(
    name: string,
    partitions: number,
    replication?: number,
    configs?: Record<string, string>,
  ): Promise<void>;
  /** Broker id leading the partition now (-1: none). */
  leaderOf(topic: string, partition: number): Promise<number>;
  /**
   * Broker id coordinating a consumer group now: the leader of its `__consumer_offsets`
   * partition (Java `abs(groupId.hashCode()) % offsets.topic.num.partitions`), creating that
   * topic first if no group has used the cluster yet.
   */
  coordinatorOf(group: string): Promise<number>;
  /** Waits until every partition of the topic has all its replicas in sync (after a restart). */
  waitInSync(topic: string, timeoutMs?: number): Promise<void>;
  /** SIGTERM: controlled shutdown of one node; resolves when its process is gone. */
  stop(node: number): Promise<void>;
  /** SIGKILL: the node dies without a word; resolves when its process is gone. */
  kill(node: number): Promise<void>;
  /** Starts a stopped or killed node on its old data; resolves when it serves metadata listing itself (other nodes may still be down). */
  start(node: number): Promise<void>;
  /** The last lines of every node's output (or of one node). */
  logs(node?: number, lines?: number): string;
  /** Stops every node (SIGKILL by default; `graceful`: SIGTERM first) and removes temp data. Idempotent. */
  stopAll(options?: { graceful?: boolean }): Promise<void>;
}

/** Test-friendly broker settings for an N-node cluster (internal topics replicated N times, quick fencing). */
export function clusterDefaults(nodes: number): Record<string, string | number | boolean> {
  const minIsr = nodes >= 3 ? 2 : 1;
  return {
    "num.partitions": 1,
    "default.replication.factor": Math.min(3, nodes),
    "min.insync.replicas": minIsr,
    "offsets.topic.replication.factor": Math.min(3, nodes),
    "offsets.topic.num.partitions": 10,
    "transaction.state.log.replication.factor": Math.min(3, nodes),
    "transaction.state.log.min.isr": minIsr,
    "transaction.state.log.num.partitions": 5,
    "share.coordinator.state.topic.replication.factor": Math.min(3, nodes),
    "share.coordinator.state.topic.min.isr": minIsr,
    "group.initial.rebalance.delay.ms": 0,
    "group.min.session.timeout.ms": 1000,
    "auto.create.topics.enable": false,
    "unclean.leader.election.enable": false,
    // A SIGKILLed node is fenced (and its partitions move) after 3 s instead of 9.
    "broker.heartbeat.interval.ms": 500,
    "broker.session.timeout.ms": 3000,
    "num.network.threads": 2,
    "num.io.threads": 2,
    "background.threads": 2,
    "num.replica.fetchers": 1,
    "log.cleaner.threads": 1,
    "log.cleaner.dedupe.buffer.size": 8 * 1024 * 1024,
  };
}

const clusters = new Set<{ nodes: KafkaNode[]; tempDir?: string }>();
let exitHookInstalled = false;

function ensureExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const cluster of clusters) {
      for (const node of cluster.nodes) node.killNow();
      if (cluster.tempDir) rmSync(cluster.tempDir, { recursive: true, force: true });
    }
  });
}

/**
 * Starts an Apache Kafka cluster of `brokers` KRaft nodes (combined broker+controller) on free
 * loopback ports, fetching the broker jars first if needed (see `ensureKafkaLibs`). Resolves when
 * every node serves metadata listing all brokers, after creating `topics`. Call `stopAll()` when
 * done; nodes are also killed when this process exits, and ones left by a killed process are
 * killed by the next start.
 */
export function startKafkaCluster(options: KafkaClusterOptions = {}): Promise<KafkaCluster> {
  return keepingAlive(startCluster(options));
}

/**
 * Holds a timer while `work` runs: the nodes are unref'd child processes and a refused probe
 * connection holds no handle, so a bare script (`loginguard dev up`) would otherwise exit mid-start.
 */
async function keepingAlive<T>(work: Promise<T>): Promise<T> {
  const timer = setInterval(() => {}, 1_000);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

async function startCluster(options: KafkaClusterOptions): Promise<KafkaCluster> {
  const count = options.brokers ?? 1;
  const startTimeoutMs = options.startTimeoutMs ?? 120_000;
  const libs = await ensureKafkaLibs();
  cleanUpAbandoned();
  ensureExitHook();

  const tempDir = options.dataDir ? undefined : mkdtempSync(join(testEnv.tmpRoot, DIR_PREFIX));
  const root = options.dataDir ?? (tempDir as string);
  mkdirSync(root, { recursive: true });
  if (tempDir) writeFileSync(join(tempDir, OWNER_FILE), String(process.pid));

  const ports = await freePorts(count * 2);
  const ids = Array.from({ length: count }, (_, i) => i + 1);
  const voters = ids.map((id, i) => `${id}@127.0.0.1:${ports[count + i]}`).join(",");
  const settings = { ...clusterDefaults(count), ...options.settings };
  const nodes = ids.map((id, i) => {
    const dir = join(root, `node-${id}`);
    mkdirSync(dir, { recursive: true });
    return new KafkaNode({
      id,
      brokerPort: ports[i] as number,
      controllerPort: ports[count + i] as number,
      dir,
      voters,
      settings,
      libs,
      jvmOptions: options.jvmOptions ?? DEFAULT_JVM_OPTIONS,
    });
  });
  const entry = { nodes, tempDir };
  clusters.add(entry);
  const bootstrap = nodes.map((n) => n.address);
  const kafka = new Kafka({ clientId: "kafka-fixture", brokers: bootstrap, logLevel: logLevel.NOTHING });
  let admin: Admin | undefined;
  const getAdmin = async (): Promise<Admin> => {
    if (!admin) {
      admin = kafka.admin();
      await admin.connect();
    }
    return admin;
  };
  const nodeOf = (id: number): KafkaNode => {
    const node = nodes[id - 1];
    if (!node) throw new Error(`no Kafka node ${id} (nodes are 1..${count})`);
    return node;
  };
  const logs = (id?: number, lines = 20) =>
    (id === undefined ? nodes : [nodeOf(id)]).map((n) => `--- node ${n.id} ---\n${n.tail(lines)}`).join("\n");

  let stopping: Promise<void> | undefined;
  const stopAll = (stopOptions: { graceful?: boolean } = {}): Promise<void> => {
    stopping ??= (async () => {
      await admin?.disconnect().catch(() => {});
      if (stopOptions.graceful) await Promise.all(nodes.map((n) => n.stop(20_000)));
      else await Promise.all(nodes.map((n) => n.kill()));
      clusters.delete(entry);
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    })();
    return stopping;
  };

  const cluster: KafkaCluster = {
    bootstrap,
    nodeIds: ids,
    async createTopic(name, partitions, replication = Math.min(3, count), configs = {}) {
      // Not kafkajs's waitForLeaders: it gives up when the broker it asks has not heard of the
      // new topic yet (UNKNOWN_TOPIC_OR_PARTITION, common on a multi-node KRaft cluster).
      const created = await (await getAdmin()).createTopics({
        waitForLeaders: false,
        topics: [
          {
            topic: name,
            numPartitions: partitions,
            replicationFactor: replication,
            configEntries: Object.entries(configs).map(([n, value]) => ({ name: n, value })),
          },
        ],
      });
      if (!created) throw new Error(`topic ${name} already exists`);
      await waitForTopic(await getAdmin(), name, partitions, () => logs());
    },
    async leaderOf(topic, partition) {
      const { topics } = await (await getAdmin()).fetchTopicMetadata({ topics: [topic] });
      const found = topics[0]?.partitions.find((p) => p.partitionId === partition);
      if (!found) throw new Error(`no partition ${topic}[${partition}]`);
      return found.leader;
    },
    async coordinatorOf(group) {
      // FindCoordinator (inside describeGroups) creates __consumer_offsets on first use.
      await (await getAdmin()).describeGroups([group]);
      const partitions = Number(settings["offsets.topic.num.partitions"]);
      return cluster.leaderOf("__consumer_offsets", offsetsPartition(group, partitions));
    },
    async waitInSync(topic, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { topics } = await (await getAdmin()).fetchTopicMetadata({ topics: [topic] });
        const partitions = topics[0]?.partitions ?? [];
        if (partitions.length > 0 && partitions.every((p) => p.isr.length === p.replicas.length)) return;
        if (Date.now() > deadline) throw new Error(`${topic} not in sync within ${timeoutMs} ms\n${logs()}`);
        await sleep(200);
      }
    },
    stop: async (id) => nodeOf(id).stop(),
    kill: async (id) => nodeOf(id).kill(),
    async start(id) {
      const node = nodeOf(id);
      node.start();
      // Serving itself is enough: other nodes may be down on purpose.
      await keepingAlive(waitServing(node, 1, Date.now() + startTimeoutMs, () => logs(id, 40)));
    },
    logs,
    stopAll,
  };

  try {
    const started = Date.now();
    for (const node of nodes) node.configure();
    const formatted = nodes.map((n) => existsSync(join(root, `node-${n.id}`, "data", "meta.properties")));
    if (formatted.some((f) => !f)) {
      // base64url of 16 bytes, as Kafka makes them; one that starts with "-" is passed with "=" (node.ts).
      const clusterId = randomBytes(16).toString("base64url");
      await Promise.all(nodes.map((n) => n.format(clusterId)));
    }
    for (const node of nodes) node.start();
    const deadline = started + startTimeoutMs;
    await Promise.all(nodes.map((n) => waitServing(n, count, deadline, () => logs(undefined, 40))));
    // Create and load __consumer_offsets now (FindCoordinator, retried by kafkajs), so the first
    // consumer group of a test does not crash on "the coordinator is loading".
    await (await getAdmin()).describeGroups(["kafka-fixture-warm-up"]);
    for (const topic of options.topics ?? [])
      await cluster.createTopic(topic.name, topic.partitions, topic.replication, topic.configs);
  } catch (err) {
    await stopAll();
    throw err;
  }
  return cluster;
}

/**
 * Waits until every partition of a new topic has a leader that hosts it: ListOffsets (which goes
 * to each leader) answers for all partitions, so a first produce does not meet UNKNOWN_TOPIC.
 */
async function waitForTopic(
  admin: Admin,
  name: string,
  partitions: number,
  logs: () => string,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last = "";
  for (;;) {
    try {
      const offsets = await admin.fetchTopicOffsets(name);
      if (offsets.length === partitions) return;
      last = `${offsets.length} of ${partitions} partitions`;
    } catch (err) {
      last = String(err);
    }
    if (Date.now() > deadline) throw new Error(`topic ${name} not ready within 30 s (${last})\n${logs()}`);
    await sleep(100);
  }
}

/** Waits until `node` answers a metadata request listing itself and at least `count` brokers. */
async function waitServing(
  node: KafkaNode,
  count: number,
  deadline: number,
  logs: () => string,
): Promise<void> {
  const kafka = new Kafka({
    clientId: "kafka-fixture-probe",
    brokers: [node.address],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 2000,
    retry: { retries: 0 },
  });
  let last = "no answer";
  while (Date.now() < deadline) {
    if (!node.running)
      throw new LoginGuardError(`Kafka node ${node.id} exited during start-up\n${logs()}`, {
        code: "kafka_node_exited",
        retryable: false,
        context: { node: node.id },
      });
    const admin = kafka.admin();
    try {
      await admin.connect();
      const { brokers } = await admin.describeCluster();
      if (brokers.some((b) => b.nodeId === node.id) && brokers.length >= count) return;
      last = `sees brokers ${brokers.map((b) => b.nodeId).join(",")}`;
    } catch (err) {
      last = String(err);
    } finally {
      await admin.disconnect().catch(() => {});
    }
    await sleep(100);
  }
  throw new LoginGuardError(`Kafka node ${node.id} not serving (${last})\n${logs()}`, {
    code: "kafka_start_timeout",
    retryable: false,
    context: { node: node.id },
  });
}

/** The `__consumer_offsets` partition of a group: Java's `Utils.abs(groupId.hashCode()) % partitions`. */
export function offsetsPartition(group: string, partitions: number): number {
  let hash = 0;
  for (let i = 0; i < group.length; i++) hash = (Math.imul(hash, 31) + group.charCodeAt(i)) | 0;
  const abs = hash === -2147483648 ? 0 : Math.abs(hash);
  return abs % partitions;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
