import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Route } from "./route";
import { checkRoute } from "./validate";

/** One route file as read: its route, or why it is refused. `hash` tells whether it changed. */
export type RouteFile =
  | { file: string; hash: string; ok: true; route: Route }
  | { file: string; hash: string; ok: false; error: string };

/** Reads and checks one route file; every error message starts with the file and names the field. */
export function readRouteFile(file: string): RouteFile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    return { file, hash: "", ok: false, error: `${file}: cannot be read: ${(err as Error).message}` };
  }
  return parseRouteFile(file, text);
}

/** Checks the text of a route file. */
export function parseRouteFile(file: string, text: string): RouteFile {
  const hash = createHash("sha256").update(text).digest("hex");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { file, hash, ok: false, error: `${file}: not valid JSON: ${(err as Error).message}` };
  }
  const checked = checkRoute(value);
  if (!checked.ok) return { file, hash, ok: false, error: `${file}: ${checked.errors.join("; ")}` };
  return { file, hash, ok: true, route: checked.route };
}

/** The `*.json` files of a directory, sorted; none when the directory does not exist. */
export function routeFilesIn(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  return names
    .filter((n) => n.endsWith(".json"))
    .sort()
    .map((n) => join(dir, n));
}

/**
 * Every route file of `dir`, checked, plus the cross-file rule: route names are unique (the
 * consumer group is named after the route), so a second file using a name is refused.
 */
export function readRoutesDir(dir: string): RouteFile[] {
  const files = routeFilesIn(dir).map(readRouteFile);
  const owner = new Map<string, string>();
  return files.map((f) => {
    if (!f.ok) return f;
    const first = owner.get(f.route.name);
    if (first !== undefined) {
      return {
        file: f.file,
        hash: f.hash,
        ok: false,
        error: `${f.file}: name: route "${f.route.name}" is already declared in ${first}`,
      };
    }
    owner.set(f.route.name, f.file);
    return f;
  });
}
