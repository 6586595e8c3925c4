import { ensureKafkaLibs, KAFKA_VERSION } from "./fetch";

// `npm run kafka:fetch`: the broker jars into the cache once (CI runs it before `npm test`), so
// the first Kafka test file does not pay for Maven and concurrent files find them ready.
ensureKafkaLibs().then(
  (dir) => process.stdout.write(`kafka ${KAFKA_VERSION} broker jars in ${dir}\n`),
  (err: unknown) => {
    process.stderr.write(`kafka:fetch: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
