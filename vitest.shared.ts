import { defineConfig } from "vitest/config";

/**
 * Test settings every package shares. Unit tests are `*.test.ts`; tests that start real
 * components (PostgreSQL, the Kafka-protocol cluster, SMTP, Chromium) are `*.int.test.ts`
 * and run one file at a time so they do not fight over the machine's two cores.
 */
export const packageTestConfig = defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
