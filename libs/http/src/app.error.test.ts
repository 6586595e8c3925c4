import { silentLogger } from "@loginguard/observability";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createApp, mountOperationalRoutes } from "./app";
import { readJson } from "./json";
import { problems } from "./problem";

function testApp() {
  const app = createApp({ service: "t", logger: silentLogger(), maxBodyBytes: 100 });
  app.post("/echo", async (c) => c.json(await readJson(c, z.object({ n: z.number() }))));
  app.get("/boom", () => {
    throw new Error("secret detail");
  });
  app.get("/down", () => {
    throw problems.unavailable("event log unavailable");
  });
  mountOperationalRoutes(app, {
    db: async () => {},
    log: async () => Promise.reject(new Error("no broker")),
  });
  return app;
}

const post = (body: string, type = "application/json") =>
  testApp().request("/echo", { method: "POST", body, headers: { "content-type": type } });

describe("error boundary", () => {
  it("answers problem+json with stable types", async () => {
    const res = await post("{nope");
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect((await res.json()).type).toMatch(/bad-request$/);
  });

  it("415 for non-JSON, 413 over the limit, 400 with field errors", async () => {
    expect((await post("n=1", "application/x-www-form-urlencoded")).status).toBe(415);
    expect((await post(JSON.stringify({ n: 1, pad: "x".repeat(200) }))).status).toBe(413);
    const invalid = await post(JSON.stringify({ n: "one" }));
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).errors[0].path).toBe("n");
    expect(await (await post(JSON.stringify({ n: 1 }))).json()).toEqual({ n: 1 });
  });

  it("415 for a body declared in a charset other than UTF-8; UTF-8 declared is fine", async () => {
    const latin1 = await post(JSON.stringify({ n: 1 }), "application/json; charset=iso-8859-1");
    expect(latin1.status).toBe(415);
    expect((await latin1.json()).detail).toMatch(/iso-8859-1/);
    expect((await post(JSON.stringify({ n: 1 }), "application/json; charset=UTF-8")).status).toBe(200);
  });

  it("refuses identifiers in paths with control characters or invalid UTF-8 in every service, naming them", async () => {
    const sub = createApp({ service: "t", logger: silentLogger() });
    const routes = new Hono();
    routes.get("/v1/accounts/:accountId/logins", (c) => c.json({ id: c.req.param("accountId") }));
    routes.post("/v1/staff/accounts/:accountId/erase", (c) => c.json({ id: c.req.param("accountId") }));
    routes.post("/v1/me/logins/:eventId/answer", (c) => c.json({ id: c.req.param("eventId") }));
    sub.route("/", routes);
    for (const [method, path, name] of [
      ["GET", "/v1/accounts/a%00b/logins", "accountId"],
      ["GET", "/v1/accounts/a%0D%0Ab/logins", "accountId"],
      ["GET", "/v1/accounts/%C3%28/logins", "accountId"],
      ["POST", "/v1/staff/accounts/x%1B/erase", "accountId"],
      ["POST", "/v1/me/logins/%ED%A0%80/answer", "eventId"],
    ] as const) {
      const res = await sub.request(path, { method });
      expect(res.status, path).toBe(400);
      expect((await res.json()).errors).toEqual([expect.objectContaining({ path: name })]);
    }
    expect(await (await sub.request("/v1/accounts/%ED%95%9C-ok/logins")).json()).toEqual({ id: "한-ok" });
  });

  it("hides unexpected errors behind a 500 and keeps 503s", async () => {
    const boom = await testApp().request("/boom");
    expect(boom.status).toBe(500);
    expect(await boom.text()).not.toContain("secret detail");
    expect((await testApp().request("/down")).status).toBe(503);
    expect((await testApp().request("/nowhere")).status).toBe(404);
  });

  it("reports readiness per dependency", async () => {
    const res = await testApp().request("/readyz");
    expect(res.status).toBe(503);
    expect((await res.json()).checks).toEqual({ db: "ok", log: "Error: no broker" });
    expect((await testApp().request("/healthz")).status).toBe(200);
    expect(await (await testApp().request("/metrics")).text()).toContain("loginguard_http_request_seconds");
  });
});
