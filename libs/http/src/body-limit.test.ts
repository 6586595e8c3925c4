import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { fastBodyLimit } from "./body-limit";
import { listen } from "./serve";

function app() {
  const a = new Hono();
  a.use(
    "*",
    fastBodyLimit(100, (c) => c.text("too large", 413)),
  );
  a.post("/", async (c) => c.text(`read ${(await c.req.text()).length}`));
  a.get("/", (c) => c.text("ok"));
  return a;
}

describe("fastBodyLimit", () => {
  it("answers 413 from a declared Content-Length, and from a chunked body once over", async () => {
    const server = await listen(app(), 0, "127.0.0.1");
    try {
      const small = await fetch(server.url, { method: "POST", body: "x".repeat(100) });
      expect(await small.text()).toBe("read 100");
      const big = await fetch(server.url, { method: "POST", body: "x".repeat(101) });
      expect(big.status).toBe(413);
      const chunks = new ReadableStream({
        start(controller) {
          for (let i = 0; i < 5; i++) controller.enqueue(new TextEncoder().encode("y".repeat(30)));
          controller.close();
        },
      });
      const chunked = await fetch(server.url, {
        method: "POST",
        body: chunks,
        duplex: "half",
      } as RequestInit);
      expect(chunked.status).toBe(413);
      expect((await fetch(server.url)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
