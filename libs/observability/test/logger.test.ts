import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { createLogger, LOG_REDACT_PATHS, silentLogger } from "../src/index";

describe("loggers", () => {
  it("bind the component to every line", () => {
    const logger = createLogger("logger-test", { stage: "record" });
    expect(logger.bindings()).toMatchObject({ component: "logger-test", stage: "record" });
  });

  it("the silent logger writes nothing", () => {
    expect(silentLogger().isLevelEnabled("fatal")).toBe(false);
  });

  it("redacts passwords, tokens, codes and IPs with the same paths the root logger uses", () => {
    // createLogger's root writes to stdout; the same paths, checked against a captured stream.
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino({ redact: { paths: LOG_REDACT_PATHS, censor: "[redacted]" } }, sink);
    logger.info({
      password: "hunter2",
      token: "t0k",
      ip: "81.2.69.160",
      code: "123456",
      login: { ip: "1.2.3.4" },
      headers: { authorization: "Bearer abc" },
    });
    const line = lines.join("");
    for (const secret of ["hunter2", "t0k", "81.2.69.160", "123456", "1.2.3.4", "Bearer abc"])
      expect(line).not.toContain(secret);
    expect(line).toContain("[redacted]");
  });
});
