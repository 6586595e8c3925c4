import { defineConfig } from "vitest/config";
import { packageTestConfig } from "./vitest.shared.ts";

/**
 * Every package's unit tests (`*.test.ts`) in one run, without the `*.int.test.ts` files that
 * start real components. CI runs it on Node 24 after `npm test` ran everything on Node 20.
 */
export default defineConfig({
  test: {
    ...packageTestConfig.test,
    include: ["{libs,apps}/*/{src,test}/**/*.test.ts", "test/src/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**", "**/*.int.test.ts"],
  },
});
