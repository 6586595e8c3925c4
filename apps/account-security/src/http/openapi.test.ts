import type { Database } from "@loginguard/db";
import { silentLogger } from "@loginguard/observability";
import { describe, expect, it } from "vitest";
import { RecordingBus } from "../../test/recording-bus";
import { testConfig } from "../../test/service-fixture";
import { createAccountSecurityService } from "../service";
import { accountSecurityOpenApi } from "./openapi";

describe("OpenAPI fragment", () => {
  it("describes exactly the routes the module mounts", () => {
    // Building the module touches no database; routes are registered at construction.
    const db = { kind: "postgres" } as Database;
    const service = createAccountSecurityService({
      bus: new RecordingBus(),
      db,
      config: testConfig(),
      logger: silentLogger(),
    });
    const mounted = service
      .routes!.routes.filter((r) => r.method !== "ALL")
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
    const documented = Object.entries(accountSecurityOpenApi.paths).flatMap(([path, ops]) =>
      Object.keys(ops as object).map((method) => `${method} ${path}`),
    );
    expect([...new Set(mounted)].sort()).toEqual(documented.sort());
  });

  it("generates request body schemas from the validators", () => {
    const put = (accountSecurityOpenApi.paths["/v1/me/settings"] as { put: { requestBody: unknown } }).put;
    expect(put.requestBody).toMatchObject({
      content: { "application/json": { schema: { type: "object", required: ["allowedCountries"] } } },
    });
  });
});
