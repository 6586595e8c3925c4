#!/usr/bin/env node
import { configureLogging } from "@loginguard/observability";
import { banner, startLoginguard } from "./commands/start";
import { processEnv } from "./env";

const USAGE = `loginguard <command>

  start                       run every service in one process (embedded defaults, port 8080)
  topics apply [--dry-run]    create missing topics from infra/topics.json
  dlq list|show|replay        dead letters: list, inspect, replay with a progress bar
  stages list|set|pause|resume  each stage's in-flight limit, changed at run time
  staff add --email E --role support|admin [--password-stdin]
  simulate                    drive realistic traffic against a running instance
  accounts export <id> --reason R [--out FILE]   save a player's data from every service
  dev up [--brokers 3] [--data DIR]
                              a local Kafka cluster and PostgreSQL for distributed mode
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const env = processEnv();
  configureLogging({ level: env.LOG_LEVEL ?? "info" });
  switch (command) {
    case "start": {
      const started = await startLoginguard(env);
      process.stdout.write(`${banner(started, env)}\n`);
      await started.stopped;
      return 0;
    }
    case "topics": {
      const { topicsCommand } = await import("./commands/topics");
      return topicsCommand(args);
    }
    case "dlq": {
      const { dlqCommand } = await import("./commands/dlq");
      return dlqCommand(args);
    }
    case "stages": {
      const { stagesCommand } = await import("./commands/stages");
      return stagesCommand(args);
    }
    case "staff": {
      const { staffCommand } = await import("./commands/staff");
      return staffCommand(args);
    }
    case "accounts": {
      const { accountsCommand } = await import("./commands/accounts");
      return accountsCommand(args);
    }
    case "simulate": {
      const { simulateCommand } = await import("./commands/simulate");
      return simulateCommand(args);
    }
    case "dev": {
      const { devCommand } = await import("./commands/dev");
      return devCommand(args, { env });
    }
    case undefined:
    case "help":
    case "--help":
      process.stdout.write(USAGE);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`unknown command: ${command}\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`loginguard: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
