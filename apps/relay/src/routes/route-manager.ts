import { type FSWatcher, watch } from "node:fs";
import type { RunningStage } from "@loginguard/bus";
import { describeError, retryability } from "@loginguard/errors";
import type { Logger } from "@loginguard/observability";
import { readRouteFile, routeFilesIn } from "./load";
import type { Route } from "./route";

/** How one route file stands, for operators (`GET /v1/admin/relay/routes`). */
export interface RouteStatus {
  file: string;
  /** The route running from this file, if any. */
  route: Route | null;
  /** `running`; `refused` (the file is broken and nothing runs from it); `failed` (could not start; retried). */
  state: "running" | "refused" | "failed";
  /** Why the file's current content is not what runs (a running route keeps its last good version). */
  error: string | null;
}

export interface RouteManagerOptions {
  dir: string;
  /** Rescan period besides file-change events (editors and config mounts replace files in many ways). */
  reloadIntervalMs: number;
  /** Starts a route's stage; throws a permanent error for a route that cannot run as written. */
  startRoute(route: Route): Promise<RunningStage>;
  logger: Logger;
}

interface Entry {
  file: string;
  /** Content hash of the file as last read. */
  hash: string;
  /** The route running (or waiting to be started again after a transient failure). */
  route?: Route;
  stage?: RunningStage;
  error?: string;
  retryStart: boolean;
}

const DEBOUNCE_MS = 100;

/**
 * Keeps one running stage per valid route file of a directory and follows the directory without
 * a restart: a new file starts its route, a changed file restarts it (same name: same consumer
 * group, so it resumes from its committed offsets), a removed file stops it. A broken file is
 * logged and ignored, and the route it held keeps running in its last good version.
 */
export class RouteManager {
  readonly #options: RouteManagerOptions;
  readonly #entries = new Map<string, Entry>();
  #queue: Promise<void> = Promise.resolve();
  #queued = false;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #debounce: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: RouteManagerOptions) {
    this.#options = options;
  }

  /** Reads the directory, starts its routes, and follows it. */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.sync();
    this.#watch();
    this.#timer = setInterval(() => {
      if (!this.#watcher) this.#watch();
      void this.sync();
    }, this.#options.reloadIntervalMs);
    this.#timer.unref();
  }

  /** Brings the running routes in line with the directory; calls made while one waits share it. */
  sync(): Promise<void> {
    if (this.#queued) return this.#queue;
    this.#queued = true;
    this.#queue = this.#queue
      .then(() => {
        this.#queued = false;
        return this.#syncNow();
      })
      .catch((err: unknown) => {
        this.#options.logger.error({ err: describeError(err) }, "route reload failed");
      });
    return this.#queue;
  }

  status(): RouteStatus[] {
    return [...this.#entries.values()]
      .map(
        (e): RouteStatus => ({
          file: e.file,
          route: e.stage ? (e.route ?? null) : null,
          state: e.stage ? "running" : e.retryStart ? "failed" : "refused",
          error: e.error ?? null,
        }),
      )
      .sort((a, b) => a.file.localeCompare(b.file));
  }

  /** The running stages, by route name. */
  running(): Map<string, RunningStage> {
    const out = new Map<string, RunningStage>();
    for (const e of this.#entries.values()) if (e.stage && e.route) out.set(e.route.name, e.stage);
    return out;
  }

  /** Stops following the directory and stops every route (each drains and commits). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    clearTimeout(this.#debounce);
    this.#watcher?.close();
    this.#watcher = undefined;
    await this.#queue;
    await Promise.all([...this.#entries.values()].map((e) => this.#stopEntry(e, "relay stopping")));
    this.#entries.clear();
  }

  #watch(): void {
    if (this.#stopped || this.#watcher) return;
    try {
      this.#watcher = watch(this.#options.dir, { persistent: false }, () => {
        clearTimeout(this.#debounce);
        this.#debounce = setTimeout(() => void this.sync(), DEBOUNCE_MS);
      });
      this.#watcher.on("error", () => {
        // The directory went away; the periodic rescan watches it again once it is back.
        this.#watcher?.close();
        this.#watcher = undefined;
      });
    } catch {
      // No directory yet: the periodic rescan picks it up.
    }
  }

  async #stopEntry(entry: Entry, why: string): Promise<void> {
    const stage = entry.stage;
    if (!stage) return;
    entry.stage = undefined;
    await stage.stop();
    this.#options.logger.info({ route: entry.route?.name, file: entry.file, why }, "route stopped");
  }

  async #syncNow(): Promise<void> {
    if (this.#stopped) return;
    const { logger } = this.#options;
    const files = routeFilesIn(this.#options.dir);
    const present = new Set(files);
    for (const [file, entry] of this.#entries) {
      if (present.has(file)) continue;
      await this.#stopEntry(entry, "file removed");
      this.#entries.delete(file);
    }
    for (const file of files) {
      if (this.#stopped) return;
      const read = readRouteFile(file);
      const entry = this.#entries.get(file);
      if (entry && entry.hash === read.hash && !entry.retryStart) continue;

      if (!read.ok) {
        logger.error(
          { file, err: read.error, keepsRunning: entry?.stage ? entry.route?.name : undefined },
          entry?.stage ? "route file refused; the route keeps running as it was" : "route file refused",
        );
        this.#entries.set(file, {
          ...(entry ?? { file }),
          hash: read.hash,
          error: read.error,
          retryStart: false,
        });
        continue;
      }
      const route = read.route;
      const owner = [...this.#entries.values()].find((e) => e.file !== file && e.route?.name === route.name);
      if (owner) {
        const error = `${file}: name: route "${route.name}" is already declared in ${owner.file}`;
        logger.error({ file, err: error }, "route file refused");
        this.#entries.set(file, { ...(entry ?? { file }), hash: read.hash, error, retryStart: false });
        continue;
      }
      if (entry?.stage && entry.route && JSON.stringify(entry.route) === JSON.stringify(route)) {
        entry.hash = read.hash;
        entry.error = undefined;
        continue;
      }
      if (entry) await this.#stopEntry(entry, "file changed");
      const next: Entry = { file, hash: read.hash, route, retryStart: false };
      this.#entries.set(file, next);
      try {
        next.stage = await this.#options.startRoute(route);
        logger.info(
          { route: route.name, file, input: route.input, mode: route.mode, output: route.output },
          "route started",
        );
      } catch (err) {
        next.error = `${file}: ${describeError(err)}`;
        next.retryStart = retryability(err) !== false;
        if (!next.retryStart) next.route = undefined;
        logger.error({ file, route: route.name, err: next.error }, "route could not start");
      }
    }
  }
}
