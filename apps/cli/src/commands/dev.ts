import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { describeError } from "@loginguard/errors";
import { missingComponents } from "@loginguard/testing";
import { type KafkaCluster, startKafkaCluster } from "@loginguard/testing/kafka";
import { type PostgresServer, startPostgres } from "@loginguard/testing/postgres";
import type { CommandIo } from "./topics";

const USAGE = `usage: loginguard dev up [--brokers N] [--data DIR]

Starts a local Apache Kafka cluster (N KRaft nodes on loopback, default 3: the replication
factor of infra/topics.json) and a PostgreSQL server (Debian's postgresql 15; skipped when
DATABASE_URL is set), the same ones the tests start, for distributed mode on one machine without
Docker. Prints \`export KAFKA_BROKERS=...\` and \`export DATABASE_URL=...\`, then \`ready\`, and
runs until SIGINT/SIGTERM, then stops both and removes their data.

  --brokers  number of Kafka nodes (1..9, default 3)
  --data     keep Kafka's and PostgreSQL's data in DIR (reused by the next \`dev up --data DIR\`)`;

/** What `dev up` waits on before it stops everything (tests pass their own). */
export interface DevIo extends CommandIo {
  /** Resolves when the command should stop. Default: the first SIGINT or SIGTERM. */
  untilStopped?: () => Promise<void>;
}

/**
 * `loginguard dev up`: a local Kafka cluster and PostgreSQL for distributed mode
 * (docs/ARCHITECTURE.md section 11). Returns the exit code: 0 stopped cleanly, 1 failed, 2 bad usage.
 */
export async function devCommand(args: string[], io: DevIo = {}): Promise<number> {
  const out = io.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = io.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const env = io.env ?? {};
  let options: { brokers: number; data?: string };
  try {
    options = parseDevArgs(args);
  } catch (e) {
    err(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const databaseUrl = env.DATABASE_URL || undefined;
  const missing = missingComponents("java", "maven", ...(databaseUrl ? [] : (["postgresql"] as const)));
  if (missing.length > 0) {
    err(`loginguard dev up: ${missing.join("; ")}`);
    return 1;
  }

  let kafka: KafkaCluster | undefined;
  let postgres: PostgresServer | undefined;
  const stopAll = async () => {
    await kafka?.stopAll({ graceful: true });
    await postgres?.stop();
  };
  try {
    const data = options.data;
    [kafka, postgres] = await Promise.all([
      startKafkaCluster({ brokers: options.brokers, dataDir: data && join(data, "kafka") }),
      databaseUrl ? undefined : startPostgres({ dir: data && join(data, "postgres") }),
    ]);
  } catch (e) {
    await stopAll().catch(() => {});
    err(`loginguard dev up: ${describeError(e)}`);
    return 1;
  }
  out(`export KAFKA_BROKERS=${kafka.bootstrap.join(",")}`);
  out(`export DATABASE_URL=${databaseUrl ?? postgres?.url}`);
  out("ready");
  await (io.untilStopped ?? untilSignal)();
  await stopAll();
  out(options.data ? `stopped; data kept in ${options.data}` : "stopped; temporary data removed");
  return 0;
}

function parseDevArgs(args: string[]): { brokers: number; data?: string } {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { brokers: { type: "string" }, data: { type: "string" } },
  });
  if (positionals.length !== 1 || positionals[0] !== "up") throw new Error("expected: dev up");
  const brokers = values.brokers === undefined ? 3 : Number(values.brokers);
  if (!Number.isInteger(brokers) || brokers < 1 || brokers > 9)
    throw new Error(`--brokers must be a whole number from 1 to 9, not ${values.brokers}`);
  return { brokers, data: values.data === undefined ? undefined : resolve(values.data) };
}

function untilSignal(): Promise<void> {
  return new Promise((done) => {
    // Signal listeners and the (unref'd) server processes do not keep Node running: a timer does.
    const keepAlive = setInterval(() => {}, 60_000);
    const stop = () => {
      clearInterval(keepAlive);
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      done();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
