import type { Context } from "hono";

/** The socket hono's node server hands over as `c.env.incoming`. */
interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
}

/**
 * The request's client address (sign-in throttling and the session record). With `trustProxy`
 * (behind a reverse proxy that appends to X-Forwarded-For) the address the proxy saw, the
 * header's last entry; otherwise the socket's peer; null for in-process requests.
 */
export function clientAddress(c: Context, trustProxy: boolean): string | null {
  if (trustProxy) {
    const last = (c.req.header("x-forwarded-for") ?? "")
      .split(",")
      .map((h) => h.trim())
      .filter(Boolean)
      .at(-1);
    if (last) return last.slice(0, 64);
  }
  const address = (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress;
  return address ? address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "") : null;
}
