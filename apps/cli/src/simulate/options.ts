import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_MIX, type ScenarioMix } from "./plan";

/** Everything a simulation run needs, parsed from the command line and the environment. */
export interface SimulateOptions {
  /** The running instance (trailing slash removed). */
  url: string;
  /** Where `PUT /v1/accounts/{id}/contact` is served: the responder's port in distributed mode. */
  contactsUrl: string;
  /** The ingest API key; undefined: read from DATA_DIR/secrets.json once the instance is up. */
  key: string | undefined;
  /** Where embedded mode keeps its generated keys. */
  dataDir: string;
  players: number;
  /** Logins to send in all. */
  logins: number;
  /** Logins per second. */
  rate: number;
  /** Requests in flight at once (one per lane; an account always uses the same lane). */
  concurrency: number;
  seed: string;
  /** Prefix of every account id and event id of the run, so runs never mix. */
  runId: string;
  mix: ScenarioMix;
  webhookPort: number;
  /** `whsec_...`; generated when the user gave none. */
  webhookSecret: string | undefined;
  /** GeoIP database to find addresses in (the one the instance uses); undefined: the CC0 default. */
  geoipPath: string | undefined;
  /** Seconds to wait for the instance to answer /readyz before giving up. */
  waitSeconds: number;
  /** Seconds to wait at the end for locks and webhooks to arrive. */
  settleSeconds: number;
  /** Do not print each webhook as it arrives. */
  quiet: boolean;
  /** `--labelled`: the seeded population and attacks with ground truth (docs/PROTECTION.md). */
  labelled: boolean;
  /** `--score`: read the decisions back and print the scorecard (with --labelled). */
  score: boolean;
  /** Simulated weeks of traffic (with --labelled), ending at the present. */
  weeks: number;
  /** Share of players attacked (with --labelled). */
  attackShare: number;
  /** Logins per POST (with --labelled). */
  batch: number;
  /** A login accepted more than this many seconds after its schedule is late (with --labelled). */
  lateSeconds: number;
  /** Admin API key for reading decisions back (--score). */
  adminKey: string | undefined;
  /** Where to write the run's labels (for rules replay). */
  historyOut: string | undefined;
}

/** Hard limits, so a typo cannot flood an instance or run for a day. */
export const LIMITS = {
  players: 100_000,
  logins: 1_000_000,
  rate: 20_000,
  durationSeconds: 3_600,
  concurrency: 256,
  waitSeconds: 600,
  settleSeconds: 600,
};

export const SIMULATE_USAGE = `usage: loginguard simulate [options]

Drives realistic login traffic against a running loginguard over HTTP (players at home,
travel, account takeovers, failure bursts, credential stuffing), acts as the game server
receiving its signed webhooks, and checks at the end that what should have happened did.

  --url URL             the running instance (default http://localhost:$PORT, PORT default 8080)
  --contacts-url URL    where the responder serves contacts, in distributed mode (default --url)
  --key KEY             ingest API key (default: first of INGEST_API_KEYS, else ingestApiKey
                        in $DATA_DIR/secrets.json, where \`loginguard start\` keeps it)
  --players N           simulated players (default 200)
  --duration S          run for S seconds at --rate (default 20), or
  --logins N            send N logins in all
  --rate R              logins per second (default 100)
  --concurrency C       requests in flight (default 16)
  --seed TEXT           replay the same traffic (default: random, printed)
  --mix LIST            shares in percent, e.g. travel=5,takeover=2,failure_burst=6,credential_stuffing=6
  --webhook-port P      loopback port of the webhook receiver (default 8099)
  --webhook-secret S    whsec_... the product signs with (default GAME_WEBHOOK_SECRET, else generated)
  --geoip PATH          GeoIP database the instance uses (default GEOIP_DB, else the CC0 one)
  --wait S              wait up to S seconds for the instance to be ready (default 30)
  --settle S            wait up to S seconds at the end for locks and webhooks (default 60)
  --run-id ID           prefix of account and event ids (default sim-<time>)
  --quiet               do not print each webhook as it arrives

labelled runs (ground truth and a scorecard, docs/PROTECTION.md):
  --labelled            a seeded population (home, mobile, internet cafés, travellers by plane,
                        travel mode, VPN) and attacks over simulated weeks ending now; labels
                        stay in the simulator. --players defaults to 10000, --rate to 500
  --score               read decisions back, answer notices in game, print the scorecard; its
                        last line is "score: takeovers_stopped=... legit_notified=..."
  --weeks W             simulated weeks (default 2)
  --attack-share F      share of players attacked (default 0.025)
  --batch N             logins per request (default 50)
  --late S              a login accepted more than S s after its schedule is late (default 30):
                        late or refused logins fail the run and are never scored
  --admin-key KEY       admin API key for --score (default ADMIN_API_KEYS, else DATA_DIR/secrets.json)
  --labels-out FILE     write the run's labels as JSON (for loginguard rules replay --labels)`;

export class UsageError extends Error {}

/** Parses `loginguard simulate` arguments; `env` supplies defaults. Throws UsageError. */
export function parseSimulateArgs(
  args: string[],
  env: Record<string, string | undefined>,
  now: () => number = Date.now,
): SimulateOptions | "help" {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: "string" },
        "contacts-url": { type: "string" },
        key: { type: "string" },
        players: { type: "string" },
        duration: { type: "string" },
        logins: { type: "string" },
        rate: { type: "string" },
        concurrency: { type: "string" },
        seed: { type: "string" },
        mix: { type: "string" },
        "webhook-port": { type: "string" },
        "webhook-secret": { type: "string" },
        geoip: { type: "string" },
        wait: { type: "string" },
        settle: { type: "string" },
        "run-id": { type: "string" },
        quiet: { type: "boolean", short: "q" },
        labelled: { type: "boolean" },
        score: { type: "boolean" },
        weeks: { type: "string" },
        "attack-share": { type: "string" },
        batch: { type: "string" },
        late: { type: "string" },
        "admin-key": { type: "string" },
        "labels-out": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return "help";
  const str = (name: string) => values[name] as string | undefined;
  if (str("duration") !== undefined && str("logins") !== undefined) {
    throw new UsageError("give --duration or --logins, not both");
  }
  const labelled = values.labelled === true;
  if (values.score === true && !labelled) throw new UsageError("--score needs --labelled");
  const rate = number("rate", str("rate"), labelled ? 500 : 100, 0.1, LIMITS.rate);
  const duration = number("duration", str("duration"), 20, 1, LIMITS.durationSeconds);
  const logins =
    str("logins") !== undefined
      ? number("logins", str("logins"), 0, 1, LIMITS.logins)
      : Math.min(LIMITS.logins, Math.round(duration * rate));
  const url = (str("url") ?? `http://localhost:${env.PORT || "8080"}`).replace(/\/+$/, "");
  const contactsUrl = (str("contacts-url") ?? url).replace(/\/+$/, "");
  for (const [name, value] of [
    ["--url", url],
    ["--contacts-url", contactsUrl],
  ] as const) {
    if (!/^https?:\/\/[^/]+/.test(value))
      throw new UsageError(`${name}: expected http(s)://host[:port], got ${value}`);
  }
  const secret = str("webhook-secret") ?? (env.GAME_WEBHOOK_SECRET || undefined);
  if (secret !== undefined && !/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(secret)) {
    throw new UsageError("--webhook-secret: expected whsec_<base64>");
  }
  const runId = str("run-id") ?? `sim-${now().toString(36)}`;
  if (!/^[A-Za-z0-9._-]{1,40}$/.test(runId)) throw new UsageError("--run-id: 1-40 letters, digits, . _ -");
  return {
    url,
    contactsUrl,
    key: str("key") ?? firstConfiguredKey(env.INGEST_API_KEYS),
    dataDir: env.DATA_DIR || "./data",
    players: number("players", str("players"), labelled ? 10_000 : 200, 1, LIMITS.players),
    logins,
    rate,
    concurrency: number("concurrency", str("concurrency"), 16, 1, LIMITS.concurrency),
    seed: str("seed") ?? Math.random().toString(36).slice(2, 10),
    runId,
    mix: parseMix(str("mix")),
    webhookPort: number("webhook-port", str("webhook-port"), 8099, 0, 65_535),
    webhookSecret: secret,
    geoipPath: str("geoip") ?? (env.GEOIP_DB || undefined),
    waitSeconds: number("wait", str("wait"), 30, 0, LIMITS.waitSeconds),
    settleSeconds: number("settle", str("settle"), 60, 0, LIMITS.settleSeconds),
    quiet: values.quiet === true,
    labelled,
    score: values.score === true,
    weeks: fraction("weeks", str("weeks"), 2, 0.2, 8),
    attackShare: fraction("attack-share", str("attack-share"), 0.025, 0, 0.2),
    batch: number("batch", str("batch"), 50, 1, 1000),
    lateSeconds: number("late", str("late"), 30, 1, 3600),
    adminKey: str("admin-key") ?? firstConfiguredKey(env.ADMIN_API_KEYS),
    historyOut: str("labels-out"),
  };
}

function number(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (name !== "rate" && !Number.isInteger(value))
  ) {
    throw new UsageError(`--${name}: expected a number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

function fraction(
  name: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`--${name}: expected a number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

/** `travel=5,takeover=2` (percent of the logins) over the default mix. */
export function parseMix(text: string | undefined): ScenarioMix {
  const mix = { ...DEFAULT_MIX };
  if (!text) return mix;
  for (const part of text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, value] = part.split("=");
    const share = Number(value);
    if (!name || !Object.hasOwn(mix, name) || !Number.isFinite(share) || share < 0 || share > 100) {
      throw new UsageError(`--mix: expected ${Object.keys(mix).join("|")}=<percent>, got "${part}"`);
    }
    mix[name as keyof ScenarioMix] = share / 100;
  }
  const total = Object.values(mix).reduce((a, b) => a + b, 0);
  if (total > 0.9) throw new UsageError("--mix: the shares leave less than 10% for players at home");
  return mix;
}

/** The key of the first `name:key` pair of INGEST_API_KEYS. */
function firstConfiguredKey(list: string | undefined): string | undefined {
  const first = list?.split(",")[0]?.trim();
  const at = first?.indexOf(":") ?? -1;
  return first && at > 0 ? first.slice(at + 1).trim() || undefined : undefined;
}

/** The ingest key `loginguard start` generated and keeps in DATA_DIR/secrets.json, if any. */
export function readStoredIngestKey(dataDir: string): string | undefined {
  try {
    const secrets = JSON.parse(readFileSync(join(dataDir, "secrets.json"), "utf8")) as {
      ingestApiKey?: unknown;
    };
    return typeof secrets.ingestApiKey === "string" ? secrets.ingestApiKey : undefined;
  } catch {
    return undefined;
  }
}
