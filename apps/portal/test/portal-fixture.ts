import { createEmbeddedBus } from "@loginguard/bus";
import { type Database, openDatabase } from "@loginguard/db";
import { createApp } from "@loginguard/http";
import { silentLogger } from "@loginguard/observability";
import type { Hono } from "hono";
import { loadPortalConfig, type PortalConfig } from "../src/env";
import { createPortalService, type PortalService } from "../src/service";

export const PLAYER_SECRET = "p".repeat(40);
export const STAFF_SECRET = "s".repeat(40);
export const ADMIN_KEY = "lg_admin_test_key_0123456789";

export interface PortalUnderTest {
  app: Hono;
  service: PortalService;
  db: Database;
  config: PortalConfig;
  close(): Promise<void>;
}

/**
 * The portal's routes on an app like the one `runModules` builds (problem+json boundary), on an
 * in-memory PGlite with the real embedded event log. Call `app.request()` on it.
 */
export async function portalUnderTest(env: Record<string, string> = {}): Promise<PortalUnderTest> {
  const db = await openDatabase({ dataDir: "memory://" });
  const bus = await createEmbeddedBus({ db });
  const config = loadPortalConfig({
    PLAYER_TOKEN_SECRET: PLAYER_SECRET,
    STAFF_SESSION_SECRET: STAFF_SECRET,
    ADMIN_API_KEYS: `test:${ADMIN_KEY}`,
    ...env,
  });
  const service = createPortalService({ bus, db, config, logger: silentLogger() });
  await service.migrate();
  const app = createApp({ service: "portal-test", logger: silentLogger() });
  app.route("/", service.routes!);
  return {
    app,
    service,
    db,
    config,
    async close() {
      await bus.close();
      await db.close();
    },
  };
}

/** The `name=value` of a Set-Cookie header for `name`, with its attributes. */
export function setCookieOf(res: Response, name: string): string | undefined {
  return res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
}

/** Signs in through the API; answers the cookie header to send and the CSRF token. */
export async function signInStaff(
  app: Hono,
  email: string,
  password: string,
): Promise<{ cookie: string; csrf: string; res: Response }> {
  const res = await app.request("/v1/staff/sessions", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  const set = setCookieOf(res, "lg_staff") ?? "";
  const body = res.ok ? ((await res.clone().json()) as { csrfToken: string }) : { csrfToken: "" };
  return { cookie: set.split(";")[0] ?? "", csrf: body.csrfToken, res };
}
