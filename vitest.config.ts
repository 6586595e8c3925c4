import { defineConfig } from "vitest/config";

// Root entry: every package is a project with its own vitest.config.ts (see vitest.shared.ts).
// `npm run test:unit` runs the same projects without the *.int.test.ts files (used for Node 24 in CI).
export default defineConfig({
  test: { projects: ["libs/*", "apps/*", "test"] },
});
