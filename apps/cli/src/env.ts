import { loadPlatformEnv } from "@loginguard/platform";

/** The process environment, read here only: every module parses what it needs from a copy. */
export function processEnv(): Record<string, string | undefined> {
  return { ...process.env };
}

export { loadPlatformEnv };
