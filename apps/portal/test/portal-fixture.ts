import { createEmbeddedBus } from "@loginguard/bus";
import { type Database, openDatabase } from "@loginguard/db";
import { createApp } from "@loginguard/http";
import { silentLogger } from "@loginguard/observability";
import type { Hono } from "hono";
import { Secret, TOTP } from "otpauth";
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
/** TOTP secrets the fixture enrolled, per email: later sign-ins compute their codes from them. */
export const enrolledSecrets = new Map<string, string>();

/** The current code of a TOTP secret (as an authenticator app shows it). */
export function totpCode(secret: string, at = Date.now()): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: "SHA1" }).generate({
    timestamp: at,
  });
}

/**
 * Signs staff in as the console does. Admins must use TOTP: at first sign-in the fixture completes
 * the enrolment offer with a real code, afterwards it sends the current code of that secret (the
 * next step's when this step was used, so a code is never replayed).
 */
export async function signInStaff(
  app: Hono,
  email: string,
  password: string,
): Promise<{ cookie: string; csrf: string; res: Response }> {
  const post = (body: Record<string, string>) =>
    app.request("/v1/staff/sessions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password, ...body }),
    });
  let res = await post({});
  if (res.status === 401) {
    const problem = (await res.clone().json()) as {
      type: string;
      enrolment?: { secret: string; enrolmentToken: string };
    };
    const step = (lastStep.get(email) ?? 0) + 1;
    const at = Math.max(Date.now(), step * 30_000);
    if (problem.type.endsWith("mfa-enrolment-required") && problem.enrolment) {
      enrolledSecrets.set(email, problem.enrolment.secret);
      lastStep.set(email, Math.floor(at / 30_000));
      res = await post({
        code: totpCode(problem.enrolment.secret, at),
        enrolmentToken: problem.enrolment.enrolmentToken,
      });
      if (res.ok)
        recoveryCodes.set(email, ((await res.clone().json()) as { recoveryCodes: string[] }).recoveryCodes);
    } else if (problem.type.endsWith("mfa-required") && enrolledSecrets.has(email)) {
      // One code per 30-second step and one step of drift: beyond that, a recovery code.
      const spare = recoveryCodes.get(email);
      if (at > Date.now() + 30_000 && spare?.length) res = await post({ code: spare.pop()! });
      else {
        lastStep.set(email, Math.floor(at / 30_000));
        res = await post({ code: totpCode(enrolledSecrets.get(email)!, at) });
      }
    }
  }
  const set = setCookieOf(res, "lg_staff") ?? "";
  const body = res.ok ? ((await res.clone().json()) as { csrfToken: string }) : { csrfToken: "" };
  return { cookie: set.split(";")[0] ?? "", csrf: body.csrfToken, res };
}

const lastStep = new Map<string, number>();
const recoveryCodes = new Map<string, string[]>();
