import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";

/**
 * hono's `bodyLimit`, without its cost on the common requests. hono's version reads
 * `c.req.raw.body` first, which makes @hono/node-server build a full WHATWG Request for every
 * request (about 150 µs, measured with apps/ingest/bench.ts) and turns off its fast path for
 * `c.req.text()`. Here: GET and HEAD pass (routes never read their body); a declared
 * Content-Length is checked from the header (Node's parser never delivers more than it
 * declares); only chunked bodies go through hono's streaming check.
 */
export function fastBodyLimit(maxSize: number, onError: (c: Context) => Response): MiddlewareHandler {
  const streaming = bodyLimit({ maxSize, onError });
  return async (c, next) => {
    const method = c.req.method;
    if (method === "GET" || method === "HEAD") return next();
    const length = c.req.header("content-length");
    if (length !== undefined && c.req.header("transfer-encoding") === undefined) {
      if (Number.parseInt(length, 10) > maxSize) return onError(c);
      return next();
    }
    return streaming(c, next);
  };
}
