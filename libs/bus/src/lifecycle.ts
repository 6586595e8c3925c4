import type { Logger } from "@loginguard/observability";

/** Anything with a start and a stop: an HTTP server, a stage, a database. */
export interface Service {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts services in order and stops them in reverse order on SIGTERM or SIGINT (or when `stop`
 * is called), so stages drain and commit before the event log and database close.
 */
export async function runServices(
  services: Service[],
  logger: Logger,
  options: { signals?: NodeJS.Signals[]; stopTimeoutMs?: number } = {},
): Promise<{ stop(): Promise<void>; stopped: Promise<void> }> {
  const started: Service[] = [];
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => {
    resolveStopped = resolve;
  });
  let stopping: Promise<void> | undefined;

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const timer = setTimeout(() => {
        logger.error({ timeoutMs: options.stopTimeoutMs }, "shutdown took too long; exiting");
        process.exit(1);
      }, options.stopTimeoutMs ?? 30_000);
      timer.unref();
      for (const service of [...started].reverse()) {
        try {
          await service.stop();
          logger.info({ service: service.name }, "stopped");
        } catch (err) {
          logger.error({ service: service.name, err }, "stop failed");
        }
      }
      clearTimeout(timer);
      for (const signal of signals) process.off(signal, onSignal);
      resolveStopped();
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, "shutting down");
    void stop();
  };
  const signals = options.signals ?? ["SIGTERM", "SIGINT"];
  for (const signal of signals) process.on(signal, onSignal);

  try {
    for (const service of services) {
      await service.start();
      started.push(service);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { stop, stopped };
}
