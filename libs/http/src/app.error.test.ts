import { silentLogger } from "@loginguard/observability";
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
