import { describe, expect, it } from "vitest";
import { checkRoute } from "./validate";

const base = {
  name: "campaign",
  input: "login.attempted",
  endpoint: "http://127.0.0.1:8090/logins",
  mode: "stream",
  output: "campaign.out",
  concurrency: 4,
  timeoutMs: 1000,
  retry: { initialMs: 100, maxMs: 1000 },
};

function errorsOf(value: unknown): string[] {
  const checked = checkRoute(value);
  return checked.ok ? [] : checked.errors;
}

describe("checkRoute", () => {
  it("accepts a stream route and a sink route, dropping $schema", () => {
    const stream = checkRoute({
      $schema: "../routes.schema.json",
      ...base,
      types: ["a.v1"],
      start: "latest",
    });
    expect(stream).toMatchObject({ ok: true, route: { name: "campaign", output: "campaign.out" } });
    expect(stream.ok && "$schema" in stream.route).toBe(false);
    const { output: _o, ...sink } = base;
    expect(checkRoute({ ...sink, mode: "sink", headers: { "x-team": "a" } }).ok).toBe(true);
  });

  it("requires output in stream mode and forbids it in sink mode", () => {
    const { output: _o, ...noOutput } = base;
    expect(errorsOf(noOutput)).toEqual(['output: required when mode is "stream"']);
    expect(errorsOf({ ...base, mode: "sink" })).toEqual(['output: not allowed when mode is "sink"']);
  });

  it("names each bad field", () => {
    const errors = errorsOf({
      ...base,
      name: "Bad Name",
      mode: "fanout",
      endpoint: "ftp://x",
      timeoutMs: 0,
      retry: { initialMs: 1 },
      types: [],
      extra: true,
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^name: must match pattern/),
        'mode: must be one of "stream", "sink"',
        expect.stringMatching(/^endpoint: must match pattern/),
        "timeoutMs: must be >= 10",
        "retry.maxMs: required",
        "types: must NOT have fewer than 1 items",
        "extra: unknown field",
      ]),
    );
  });

  it("keeps secrets and the relay's own headers out of the file", () => {
    expect(errorsOf({ ...base, headers: { authorization: "Bearer x" } })).toContain(
      "headers.authorization: this header name is not allowed (lowercase token; not one the relay sets)",
    );
    expect(errorsOf({ ...base, headers: { "ce-type": "x" } })[0]).toMatch(/^headers\.ce-type: /);
    expect(errorsOf({ ...base, auth: { type: "bearer", tokenEnv: "lower" } })[0]).toMatch(
      /^auth\.tokenEnv: must match pattern/,
    );
    expect(checkRoute({ ...base, auth: { type: "bearer", tokenEnv: "CAMPAIGN_TOKEN" } }).ok).toBe(true);
  });

  it("checks what the schema cannot: retry bounds in order, no loop back into the input", () => {
    expect(errorsOf({ ...base, retry: { initialMs: 5000, maxMs: 100 } })).toEqual([
      "retry.initialMs: must not exceed retry.maxMs",
    ]);
    expect(errorsOf({ ...base, output: "login.attempted" })).toEqual([
      "output: must differ from input (the answers would be consumed again)",
    ]);
  });

  it("refuses what is not an object", () => {
    expect(errorsOf([])[0]).toMatch(/^\(root\): must be object/);
  });
});
