import { type ChildProcess, execFile, spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { LoginGuardError } from "@loginguard/errors";
import { KAFKA_LOG_CONFIG } from "./fetch";

const execFileAsync = promisify(execFile);

/** JVM flags of every node: small heap, one GC thread, C1 only (starts faster; measured). */
export const DEFAULT_JVM_OPTIONS = [
  "-Xms64m",
  "-Xmx384m",
  "-XX:+UseSerialGC",
  "-XX:TieredStopAtLevel=1",
  "-XX:-UsePerfData",
  "-Djava.awt.headless=true",
];

/** What a node needs to know to write its configuration. */
export interface KafkaNodeSpec {
  id: number;
  brokerPort: number;
  controllerPort: number;
  /** The node's directory: server.properties, node.log, pid and data/ live here. */
  dir: string;
  /** `id@127.0.0.1:port,...` of every controller. */
  voters: string;
  /** Broker settings (already merged with the cluster's defaults). */
  settings: Record<string, string | number | boolean>;
  libs: string;
  jvmOptions: string[];
}

/** One KRaft node in combined broker+controller mode, run as a `java` child process. */
export class KafkaNode {
  readonly id: number;
  readonly address: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly propertiesFile: string;
  private readonly logFile: string;

  constructor(private readonly spec: KafkaNodeSpec) {
    this.id = spec.id;
    this.address = `127.0.0.1:${spec.brokerPort}`;
    this.propertiesFile = join(spec.dir, "server.properties");
    this.logFile = join(spec.dir, "node.log");
  }

  /** True while the node's process runs. */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The process id while running. */
  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  /** Writes server.properties (ports and settings of this run). */
  configure(): void {
    const { id, brokerPort, controllerPort, dir, voters, settings } = this.spec;
    const properties: Record<string, string | number | boolean> = {
      "process.roles": "broker,controller",
      "node.id": id,
      "controller.quorum.voters": voters,
      listeners: `PLAINTEXT://127.0.0.1:${brokerPort},CONTROLLER://127.0.0.1:${controllerPort}`,
      "advertised.listeners": `PLAINTEXT://127.0.0.1:${brokerPort}`,
      "controller.listener.names": "CONTROLLER",
      "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
      "inter.broker.listener.name": "PLAINTEXT",
      "log.dirs": join(dir, "data"),
      ...settings,
    };
    writeFileSync(
      this.propertiesFile,
      `${Object.entries(properties)
        .map(([k, v]) => `${k}=${v}`)
        .join("\n")}\n`,
    );
  }

  /** Formats the data directory (`kafka.tools.StorageTool format`); call {@link configure} first. */
  async format(clusterId: string): Promise<void> {
    const { id, dir } = this.spec;
    try {
      await execFileAsync(
        "java",
        [
          ...this.javaArgs(),
          "kafka.tools.StorageTool",
          "format",
          `--cluster-id=${clusterId}`,
          "-c",
          this.propertiesFile,
        ],
        { timeout: 60_000 },
      );
    } catch (err) {
      const out = err as { stdout?: string; stderr?: string };
      throw new LoginGuardError(
        `formatting Kafka node ${id} failed: ${`${out.stdout ?? ""}${out.stderr ?? ""}`.trim() || String(err)}`,
        { code: "kafka_format_failed", retryable: false, context: { dir }, cause: err },
      );
    }
  }

  /** Starts the node on its (formatted) data; output goes to node.log. No-op while running. */
  start(): void {
    if (this.running) return;
    const log = openSync(this.logFile, "a");
    const child = spawn("java", [...this.javaArgs(), "kafka.Kafka", this.propertiesFile], {
      cwd: this.spec.dir,
      stdio: ["ignore", log, log],
    });
    closeSync(log);
    child.unref(); // never keeps a test process alive; the cluster's exit hook kills it
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once("exit", () => resolve());
      child.once("error", () => resolve());
    });
    if (child.pid) writeFileSync(join(this.spec.dir, "pid"), String(child.pid));
  }

  /** SIGTERM (controlled shutdown); SIGKILL after `graceMs`. Resolves when the process is gone. */
  async stop(graceMs = 30_000): Promise<void> {
    if (!this.running) return;
    this.child?.ref(); // keep this process alive until the node is gone
    this.child?.kill("SIGTERM");
    const timer = setTimeout(() => this.child?.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** SIGKILL: the node dies without a word to the cluster. Resolves when the process is gone. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child?.ref();
    this.child?.kill("SIGKILL");
    await this.exited;
  }

  /** Kills the process at once, synchronously (for process-exit hooks). */
  killNow(): void {
    if (this.running) this.child?.kill("SIGKILL");
  }

  /** The last `lines` lines of the node's output. */
  tail(lines = 20): string {
    if (!existsSync(this.logFile)) return "(no output)";
    const text = readFileSync(this.logFile, "utf8").trimEnd();
    return text ? text.split("\n").slice(-lines).join("\n") : "(no output)";
  }

  private javaArgs(): string[] {
    return [
      ...this.spec.jvmOptions,
      `-Dlog4j2.configurationFile=${KAFKA_LOG_CONFIG}`,
      "-cp",
      join(this.spec.libs, "*"),
    ];
  }
}
