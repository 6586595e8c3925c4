import {
  csrfTokenFor,
  mintPlayerToken,
  openStaffSession,
  PLAYER_COOKIE,
  STAFF_COOKIE,
  setPlayerCookie,
  verifyPlayerToken,
} from "@loginguard/auth";
import { problems } from "@loginguard/http";
import { type Context, Hono } from "hono";
import { deleteCookie, getCookie } from "hono/cookie";
import type { PortalConfig } from "../env";
import { answerPage, secureAccountPage } from "../pages/answer-page";
import { accountPath, type ConsoleView, type ConsoleViewer, consolePage } from "../pages/console-page";
import type { SafeHtml } from "../pages/html";
import { devSignInPage, mePage, sameSiteRetryPage, signedOutPage } from "../pages/me-page";
import type { StaffSessionStore } from "../staff/session-store";
import type { AssetBundle } from "./assets";
import { languageLinks, pageLanguage } from "./language";
import { securityHeaders } from "./security-headers";

export interface PageRoutesOptions {
  config: PortalConfig;
  sessions: StaffSessionStore;
  assets: AssetBundle;
  /** Lifetime of tokens minted by the development sign-in. */
  devTokenSeconds?: number;
}

/** The paths this module serves pages and assets on; the security headers cover exactly these. */
export const PAGE_PATHS = [
  "/me",
  "/answer",
  "/secure-account",
  "/auth/*",
  "/dev/*",
  "/console",
  "/console/*",
  "/portal/*",
] as const;

/** An eventId or accountId from a URL: what the events allow, else nothing. */
function boundedId(value: string | undefined): string | null {
  return value && value.length >= 1 && value.length <= 128 ? value : null;
}

function page(c: Context, body: SafeHtml, status: 200 | 401 | 404 = 200): Response {
  c.header("cache-control", "no-store");
  return c.html(body.value, status);
}

/**
 * Refuses a form post sent from another site. The cookies are SameSite=Strict already; this also
 * covers browsers that send a cross-site Origin on same-site forms.
 */
function requireSameOrigin(c: Context): void {
  const origin = c.req.header("origin");
  if (!origin || origin === "null") return;
  const host = c.req.header("host");
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw problems.forbidden("Cross-site form posts are refused");
  }
  if (!host || originHost !== host) throw problems.forbidden("Cross-site form posts are refused");
}

/**
 * The portal's pages (docs/ARCHITECTURE.md section 6): the player's `/me` with its sign-in through
 * `/auth/player?token=` (and `/dev/sign-in` outside production), the support console under
 * `/console`, and their bundled scripts and stylesheet under `/portal/assets/`.
 */
export function pageRoutes(options: PageRoutesOptions): Hono {
  const { config } = options;
  const secure = config.production;
  const routes = new Hono();
  for (const path of PAGE_PATHS) routes.use(path, securityHeaders);

  // ---- players ----
  routes.get("/me", async (c) => {
    const lang = pageLanguage(c, secure);
    const langHref = languageLinks(c);
    const answer = boundedId(c.req.query("answer"));
    const token = getCookie(c, PLAYER_COOKIE);
    const player = token ? await verifyPlayerToken(token, config.playerTokenSecret) : undefined;
    if (!player) {
      // A link in an email is a cross-site navigation: the browser leaves the SameSite=Strict
      // cookie out. Navigating once more from our own page sends it.
      if (!token && c.req.header("sec-fetch-site") === "cross-site" && !c.req.query("from")) {
        const params = new URLSearchParams(new URL(c.req.url).search);
        params.set("from", "link");
        return page(c, sameSiteRetryPage(lang, `/me?${params.toString()}`));
      }
      const devSignIn = config.production
        ? null
        : `/dev/sign-in${answer ? `?answer=${encodeURIComponent(answer)}` : ""}`;
      return page(c, signedOutPage({ lang, langHref, devSignIn }), 401);
    }
    return page(c, mePage({ lang, accountId: player.accountId, answerEventId: answer, langHref }));
  });

  // "Was this you?" from a link, without a session; and where failed-sign-in notices lead.
  routes.get("/answer", (c) =>
    page(c, answerPage({ lang: pageLanguage(c, secure), langHref: languageLinks(c) })),
  );
  routes.get("/secure-account", (c) =>
    page(c, secureAccountPage({ lang: pageLanguage(c, secure), langHref: languageLinks(c) })),
  );

  routes.get("/auth/player", async (c) => {
    const token = c.req.query("token");
    const player = token ? await verifyPlayerToken(token, config.playerTokenSecret) : undefined;
    if (!token || !player) {
      const lang = pageLanguage(c, secure);
      return page(
        c,
        signedOutPage({ lang, langHref: languageLinks(c), devSignIn: null, invalidToken: true }),
        401,
      );
    }
    const maxAge = Math.max(1, Math.floor((player.expiresAt - Date.now()) / 1000));
    setPlayerCookie(c, token, secure, maxAge);
    const answer = boundedId(c.req.query("answer"));
    c.header("cache-control", "no-store");
    return c.redirect(answer ? `/me?answer=${encodeURIComponent(answer)}` : "/me", 303);
  });

  routes.post("/auth/player/sign-out", (c) => {
    requireSameOrigin(c);
    deleteCookie(c, PLAYER_COOKIE, { path: "/", httpOnly: true, sameSite: "Strict", secure });
    return c.redirect("/me", 303);
  });

  if (!config.production) {
    routes.get("/dev/sign-in", (c) => {
      const lang = pageLanguage(c, secure);
      return page(
        c,
        devSignInPage({ lang, langHref: languageLinks(c), answerEventId: boundedId(c.req.query("answer")) }),
      );
    });
    routes.post("/dev/sign-in", async (c) => {
      requireSameOrigin(c);
      const form = await c.req.parseBody();
      const accountId = typeof form.accountId === "string" ? boundedId(form.accountId.trim()) : null;
      if (!accountId) throw problems.badRequest("accountId must be 1 to 128 characters");
      const ttl = options.devTokenSeconds ?? 3600;
      setPlayerCookie(c, await mintPlayerToken(accountId, config.playerTokenSecret, ttl), secure, ttl);
      const answer = typeof form.answer === "string" ? boundedId(form.answer) : null;
      return c.redirect(answer ? `/me?answer=${encodeURIComponent(answer)}` : "/me", 303);
    });
  }

  // ---- support console ----
  const viewerOf = async (c: Context): Promise<ConsoleViewer | null> => {
    const session = openStaffSession(getCookie(c, STAFF_COOKIE), config.staffSessionSecret);
    if (!session || !(await options.sessions.isActive(session.sid))) return null;
    return {
      email: session.email,
      role: session.role,
      csrfToken: csrfTokenFor(session.sid, config.staffSessionSecret),
    };
  };
  const consoleView = async (c: Context, view: ConsoleView) => {
    const lang = pageLanguage(c, secure);
    const viewer = await viewerOf(c);
    if (viewer && view.kind === "staff" && viewer.role !== "admin") {
      return page(c, consolePage({ lang, langHref: languageLinks(c), viewer, view: { kind: "home" } }), 404);
    }
    return page(c, consolePage({ lang, langHref: languageLinks(c), viewer, view }), viewer ? 200 : 401);
  };

  routes.get("/console", (c) => consoleView(c, { kind: "home" }));
  routes.get("/console/outbox", (c) => consoleView(c, { kind: "outbox" }));
  routes.get("/console/staff", (c) => consoleView(c, { kind: "staff" }));
  routes.get("/console/audit", (c) => consoleView(c, { kind: "audit" }));
  routes.get("/console/accounts/:accountId", (c) => {
    const accountId = boundedId(c.req.param("accountId"));
    if (!accountId) throw problems.notFound("No such account");
    return consoleView(c, { kind: "account", accountId });
  });
  routes.get("/console/search", (c) => {
    const accountId = boundedId(c.req.query("accountId")?.trim());
    return c.redirect(accountId ? accountPath(accountId) : "/console", 303);
  });

  // ---- static files ----
  routes.get("/portal/assets/:name", async (c) => {
    const pending = options.assets.get(c.req.param("name"));
    if (!pending) throw problems.notFound("No such file");
    const file = await pending;
    c.header("etag", file.etag);
    c.header("cache-control", "no-cache");
    if (c.req.header("if-none-match") === file.etag) return c.body(null, 304);
    return c.body(file.body, 200, { "content-type": file.contentType });
  });

  return routes;
}
