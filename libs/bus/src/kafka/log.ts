import type { Logger } from "@loginguard/observability";
import { type LogEntry, type logCreator, logLevel } from "kafkajs";

/**
 * Routes kafkajs logs into a pino logger. kafkajs is created with `logLevel.WARN`, so only
 * warnings and errors arrive here; each keeps its namespace and structured fields.
 */
export function kafkaLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, logger: _logger, ...fields } = log;
      const bindings = { kafkajs: namespace, ...fields };
      if (level === logLevel.ERROR) logger.error(bindings, message);
      else if (level === logLevel.WARN) logger.warn(bindings, message);
      else if (level === logLevel.INFO) logger.info(bindings, message);
      else logger.debug(bindings, message);
    };
}
