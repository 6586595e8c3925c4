import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readRouteFile, readRoutesDir, routeFilesIn } from "../src/routes/load";

/** Every folder of checked-in routes: the live ones and the example's. */
const ROUTE_DIRS = [
  fileURLToPath(new URL("../../../infra/routes/", import.meta.url)),
  fileURLToPath(new URL("../../../examples/password-change-campaign/routes/", import.meta.url)),
];
const BROKEN = fileURLToPath(new URL("./fixtures/routes-broken/", import.meta.url));

/**
 * CI's check of config-as-code: every checked-in route file matches infra/routes.schema.json.
 * A broken file fails `npm test` with its path and the offending fields in the message.
 */
describe.each(ROUTE_DIRS)("checked-in routes in %s", (dir) => {
  const files = routeFilesIn(dir);

  for (const file of files) {
    it(`${file.slice(file.lastIndexOf("/", file.lastIndexOf("/routes/") - 1) + 1)} matches infra/routes.schema.json`, () => {
      const read = readRouteFile(file);
      expect(read.ok, read.ok ? "" : read.error).toBe(true);
    });
  }

  it("declares every route name once", () => {
    const problems = readRoutesDir(dir).flatMap((f) => (f.ok ? [] : [f.error]));
    expect(problems).toEqual([]);
  });
});

it("checks the example's routes", () => {
  expect(routeFilesIn(ROUTE_DIRS[1]!).length).toBe(2);
});

describe("a route file with schema errors", () => {
  it("is refused with a message naming the file and each bad field", () => {
    const [file] = routeFilesIn(BROKEN);
    const read = readRouteFile(file!);
    expect(read.ok).toBe(false);
    const error = read.ok ? "" : read.error;
    expect(error).toContain("stream-without-output.json");
    expect(error).toContain('output: required when mode is "stream"');
    expect(error).toContain("concurrency: must be integer");
    expect(error).toContain("retry.maxMs: must be >= 1");
    expect(error).toContain("header: unknown field");
  });
});
