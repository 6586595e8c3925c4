import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, envFields, parseEnv } from "../src/index";

const schema = z.object({
  PORT: envFields.port(8080),
  WORKERS: envFields.positiveInt(4),
  VERBOSE: envFields.boolean(false),
  KAFKA_BROKERS: envFields.brokers().optional(),
  SMTP_URL: envFields.url().optional(),
  PLAYER_TOKEN_SECRET: z.string().min(32).optional(),
});

describe("parseEnv", () => {
  it("applies the defaults when nothing is set, and treats an empty value as not set", () => {
    expect(parseEnv(schema, { PORT: "", VERBOSE: "" })).toEqual({ PORT: 8080, WORKERS: 4, VERBOSE: false });
  });

  it("coerces numbers, booleans and broker lists", () => {
    const env = parseEnv(schema, {
      PORT: "0",
      WORKERS: "2",
      VERBOSE: "yes",
      KAFKA_BROKERS: " a:9092, b:9093 ,,",
    });
    expect(env).toMatchObject({ PORT: 0, WORKERS: 2, VERBOSE: true, KAFKA_BROKERS: ["a:9092", "b:9093"] });
  });

  it("names every bad variable, what it got and what it expects, in one error", () => {
    let error: unknown;
    try {
      parseEnv(schema, { PORT: "99999", WORKERS: "0", KAFKA_BROKERS: "localhost", VERBOSE: "maybe" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const part of ["PORT: ", '(got "99999")', "WORKERS: ", "KAFKA_BROKERS: ", "host:port", "VERBOSE: "])
      expect(message).toContain(part);
  });

  it("never prints the value of a secret", () => {
    expect(() => parseEnv(schema, { PLAYER_TOKEN_SECRET: "short-secret" })).toThrow(
      /PLAYER_TOKEN_SECRET: .*\(got \[hidden\]\)/,
    );
    expect(() => parseEnv(schema, { PLAYER_TOKEN_SECRET: "short-secret" })).not.toThrow(/short-secret/);
  });
});
