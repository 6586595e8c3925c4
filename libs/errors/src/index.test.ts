import { describe, expect, it } from "vitest";
import { LoginGuardError, permanentError, retryability, retryableError } from "./index";

describe("retryability", () => {
  it("follows the explicit flag", () => {
    expect(retryability(retryableError("db down"))).toBe(true);
    expect(retryability(permanentError("bad record"))).toBe(false);
  });

  it("looks through causes", () => {
    const wrapped = new Error("handler failed", { cause: permanentError("schema") });
    expect(retryability(wrapped)).toBe(false);
  });

  it("treats connection errors and transient SQLSTATEs as retryable", () => {
    expect(retryability(Object.assign(new Error("refused"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(retryability(Object.assign(new Error("shutdown"), { code: "57P01" }))).toBe(true);
    expect(retryability(Object.assign(new Error("unique"), { code: "23505" }))).toBeUndefined();
  });

  it("does not know a plain error", () => {
    expect(retryability(new TypeError("x is undefined"))).toBeUndefined();
    expect(new LoginGuardError("m", { code: "c" }).retryable).toBeUndefined();
  });
});
