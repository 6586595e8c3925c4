import type { Context } from "hono";

/** The socket hono's node server hands over as `c.env.incoming`. */
interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
}

/**
 * The request's client address for the audit trail. With `trustProxy` (the service runs behind
 * a reverse proxy that appends to `X-Forwarded-For`), the address the proxy saw: the last entry
 * of the header. Otherwise the socket's peer. Null when neither is known (in-process requests).
 */
export function clientAddress(c: Context, trustProxy: boolean): string | null {
  if (trustProxy) {
    const hops = (c.req.header("x-forwarded-for") ?? "")
      .split(",")
      .map((h) => h.trim())
      .filter(Boolean);
    const last = hops.at(-1);
    if (last) return last.slice(0, 64);
  }
  const env = c.env as NodeBindings | undefined;
  const address = env?.incoming?.socket?.remoteAddress;
  return address ? address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "") : null;
}
