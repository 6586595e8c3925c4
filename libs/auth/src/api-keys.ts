import { createHash, timingSafeEqual } from "node:crypto";

/** Named API keys, e.g. from `INGEST_API_KEYS=eu-login:k1,na-login:k2`. */
export type ApiKeys = ReadonlyMap<string, string>;

/** Parses `name:key` pairs separated by commas; throws a message naming the bad pair. */
export function parseApiKeys(text: string): ApiKeys {
  const keys = new Map<string, string>();
  for (const pair of text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = pair.indexOf(":");
    const name = pair.slice(0, at).trim();
    const key = pair.slice(at + 1).trim();
    if (at <= 0 || key.length < 16) {
      throw new Error(
        `bad API key entry "${name || pair.slice(0, 8)}…": expected name:key with a key of 16+ characters`,
      );
    }
    keys.set(name, key);
  }
  return keys;
}

const digest = (s: string) => createHash("sha256").update(s).digest();

/** Digests of each key set, computed on first use (a set must not change after it): a request then hashes only the presented key. */
const digestsOf = new WeakMap<ApiKeys, ReadonlyArray<readonly [string, Buffer]>>();

/** The name of the key that matches `presented`, compared in constant time; undefined if none. */
export function matchApiKey(keys: ApiKeys, presented: string | undefined): string | undefined {
  if (!presented) return undefined;
  let digests = digestsOf.get(keys);
  if (!digests) {
    digests = [...keys].map(([name, key]) => [name, digest(key)] as const);
    digestsOf.set(keys, digests);
  }
  const p = digest(presented);
  let match: string | undefined;
  for (const [name, keyDigest] of digests) {
    if (timingSafeEqual(p, keyDigest)) match ??= name;
  }
  return match;
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return m?.[1];
}
