import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { testEnv } from "./env";

/** Real components tests may need, each with how to tell it is installed. */
const PROBES: Record<string, () => true | string> = {
  postgresql: () =>
    existsSync("/usr/lib/postgresql/15/bin/initdb") || "Debian package postgresql (15) not installed",
  kcat: () => onPath("kcat") || "Debian package kcat not installed",
  chromium: () => existsSync("/usr/bin/chromium") || "Debian package chromium not installed",
  java: () => onPath("java") || "Debian package openjdk-17-jre-headless not installed (java)",
  maven: () => onPath("mvn") || "Debian package maven not installed (mvn)",
};

export type ComponentName = "postgresql" | "kcat" | "chromium" | "java" | "maven";

function onPath(command: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** What is missing of the named components, one sentence each naming what to install. */
export function missingComponents(...names: ComponentName[]): string[] {
  return names
    .map((name) => PROBES[name]?.() ?? `unknown component ${name}`)
    .filter((r): r is string => r !== true);
}

/**
 * Checks that the named components are installed. Missing under `CI=true`: throws, so the test
 * file fails. Missing elsewhere: `{ skip: true, reason }` naming what to install, for
 * `describe.skipIf(missing.skip)`.
 */
export function requireComponents(...names: ComponentName[]): { skip: boolean; reason: string } {
  const problems = missingComponents(...names);
  if (problems.length === 0) return { skip: false, reason: "" };
  const reason = `missing component: ${problems.join("; ")} (bash .ci/run installs it)`;
  if (testEnv.ci) throw new Error(`${reason}; CI=true requires every component`);
  console.warn(`[skip] ${reason}`);
  return { skip: true, reason };
}
