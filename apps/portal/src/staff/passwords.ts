import { hash, verify } from "@node-rs/argon2";

/**
 * argon2id with the OWASP baseline (19 MiB, 2 passes, 1 lane): about 30 ms per hash here,
 * slow enough to hurt a guesser holding the table, fast enough for a sign-in form.
 */
const ARGON2ID = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`) of a password. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID);
}

/** True when `password` matches the stored hash; false for a malformed hash too. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;

/**
 * Spends the time of one verification when there is no account to check (unknown email), so
 * the answer's timing does not tell which emails have staff accounts.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hashPassword("loginguard-dummy-password-for-unknown-emails");
  await verifyPassword(await dummy, password);
  return false;
}
