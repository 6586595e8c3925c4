import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/** One static file as served. */
export interface Asset {
  body: string;
  contentType: string;
  etag: string;
}

const BROWSER_DIR = fileURLToPath(new URL("../browser/", import.meta.url));

/** The browser scripts (TypeScript, bundled with esbuild at start) and the stylesheet. */
const SOURCES: Record<string, { file: string; kind: "script" | "style" }> = {
  "player.js": { file: "player.ts", kind: "script" },
  "console.js": { file: "console.ts", kind: "script" },
  "answer.js": { file: "answer.ts", kind: "script" },
  "portal.css": { file: "portal.css", kind: "style" },
};

function asset(body: string, contentType: string): Asset {
  const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`;
  return { body, contentType, etag };
}

async function bundle(file: string): Promise<string> {
  const result = await build({
    entryPoints: [`${BROWSER_DIR}${file}`],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["es2022"],
    minify: true,
    charset: "utf8",
    legalComments: "none",
    write: false,
    logLevel: "silent",
  });
  const out = result.outputFiles[0];
  if (!out) throw new Error(`esbuild produced nothing for ${file}`);
  return out.text;
}

/**
 * Builds each asset once, on first use (or `warm()` at start): no build step before `npm start`,
 * and a production process serves the same bytes for its whole life.
 */
export class AssetBundle {
  private readonly built = new Map<string, Promise<Asset>>();

  /** The asset called `name`, or undefined for any other name. */
  get(name: string): Promise<Asset> | undefined {
    const source = Object.hasOwn(SOURCES, name) ? SOURCES[name] : undefined;
    if (!source) return undefined;
    let pending = this.built.get(name);
    if (!pending) {
      pending =
        source.kind === "script"
          ? bundle(source.file).then((js) => asset(js, "text/javascript; charset=utf-8"))
          : readFile(`${BROWSER_DIR}${source.file}`, "utf8").then((css) =>
              asset(css, "text/css; charset=utf-8"),
            );
      // A failed build is tried again on the next request rather than cached.
      pending.catch(() => this.built.delete(name));
      this.built.set(name, pending);
    }
    return pending;
  }

  /** Builds every asset now; resolves with the milliseconds it took. */
  async warm(): Promise<number> {
    const start = performance.now();
    await Promise.all(Object.keys(SOURCES).map((name) => this.get(name)));
    return performance.now() - start;
  }
}
