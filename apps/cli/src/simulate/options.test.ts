import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseMix, parseSimulateArgs, readStoredIngestKey, UsageError } from "./options";
import { DEFAULT_MIX } from "./plan";

const parse = (args: string[], env: Record<string, string> = {}) => {
  const parsed = parseSimulateArgs(args, env, () => 1_700_000_000_000);
  if (parsed === "help") throw new Error("unexpected help");
  return parsed;
};

describe("loginguard simulate arguments", () => {
  it("has defaults for everything", () => {
    const o = parse([]);
    expect(o).toMatchObject({
      url: "http://localhost:8080",
      key: undefined,
      dataDir: "./data",
      players: 200,
      logins: 2000,
      rate: 100,
      concurrency: 16,
      runId: "sim-loyw3v28",
      mix: DEFAULT_MIX,
      webhookPort: 8099,
      webhookSecret: undefined,
      waitSeconds: 30,
      settleSeconds: 60,
      quiet: false,
    });
    expect(o.seed).toMatch(/^[a-z0-9]+$/);
  });

  it("takes the environment's port, first ingest key, webhook secret, GeoIP file and data directory", () => {
    const o = parse([], {
      PORT: "9000",
      INGEST_API_KEYS: "eu:eu-key-0123456789abcdef, na:na-key-0123456789abcdef",
      GAME_WEBHOOK_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      GEOIP_DB: "/geo/City.mmdb",
      DATA_DIR: "/srv/lg",
    });
    expect(o).toMatchObject({
      url: "http://localhost:9000",
      key: "eu-key-0123456789abcdef",
      webhookSecret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      geoipPath: "/geo/City.mmdb",
      dataDir: "/srv/lg",
    });
    expect(parse(["--key", "given-key-0123456789"], { INGEST_API_KEYS: "a:b-0123456789abcdef" }).key).toBe(
      "given-key-0123456789",
    );
  });

  it("sends duration x rate logins, or exactly --logins", () => {
    expect(parse(["--duration", "5", "--rate", "40"]).logins).toBe(200);
    expect(parse(["--logins", "123", "--rate", "0.5"])).toMatchObject({ logins: 123, rate: 0.5 });
    expect(parse(["--url", "http://127.0.0.1:1234/"])).toMatchObject({
      url: "http://127.0.0.1:1234",
      contactsUrl: "http://127.0.0.1:1234",
    });
    expect(parse(["--contacts-url", "http://127.0.0.1:8084"]).contactsUrl).toBe("http://127.0.0.1:8084");
    expect(parseSimulateArgs(["--help"], {})).toBe("help");
  });

  it("refuses what it cannot run, naming the option", () => {
    const bad = (args: string[], message: RegExp) => {
      expect(() => parse(args)).toThrow(UsageError);
      expect(() => parse(args)).toThrow(message);
    };
    bad(["--duration", "5", "--logins", "5"], /--duration or --logins/);
    bad(["--players", "0"], /--players: expected a number from 1 to 100000/);
    bad(["--logins", "2000000"], /--logins/);
    bad(["--rate", "fast"], /--rate/);
    bad(["--duration", "7200"], /--duration/);
    bad(["--webhook-secret", "plain"], /whsec_/);
    bad(["--url", "localhost:8080"], /--url/);
    bad(["--contacts-url", "responder"], /--contacts-url/);
    bad(["--run-id", "a b"], /--run-id/);
    bad(["--bogus"], /bogus/);
  });

  it("reads a mix in percent over the defaults, and keeps room for players at home", () => {
    expect(parseMix("travel=10, takeover=0")).toEqual({ ...DEFAULT_MIX, travel: 0.1, takeover: 0 });
    expect(() => parseMix("teleport=5")).toThrow(/--mix/);
    expect(() => parseMix("travel=50,takeover=50")).toThrow(/less than 10%/);
  });

  it("reads the ingest key loginguard start keeps in DATA_DIR/secrets.json", () => {
    const dir = mkdtempSync(join(tmpdir(), "simulate-options-"));
    try {
      expect(readStoredIngestKey(dir)).toBeUndefined();
      writeFileSync(join(dir, "secrets.json"), JSON.stringify({ ingestApiKey: "lg_ingest_abc" }));
      expect(readStoredIngestKey(dir)).toBe("lg_ingest_abc");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
