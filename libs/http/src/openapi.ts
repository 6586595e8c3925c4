import type { Hono } from "hono";

/** A part of the OpenAPI document that one service contributes: its paths and schemas. */
export interface OpenApiFragment {
  paths: Record<string, unknown>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
}

/** Merges the fragments of the services served on one port into one OpenAPI 3.1 document. */
export function openApiDocument(title: string, fragments: OpenApiFragment[]): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  const securitySchemes: Record<string, unknown> = {};
  for (const f of fragments) {
    Object.assign(paths, f.paths);
    Object.assign(schemas, f.components?.schemas ?? {});
    Object.assign(securitySchemes, f.components?.securitySchemes ?? {});
  }
  return {
    openapi: "3.1.0",
    info: { title, version: "1" },
    paths,
    components: { schemas, securitySchemes },
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** `/openapi.json` and a self-contained, script-free reference page at `/docs`. */
export function mountOpenApi(app: Hono, document: Record<string, unknown>): void {
  app.get("/openapi.json", (c) => c.json(document));
  app.get("/docs", (c) => {
    const paths = (document.paths ?? {}) as Record<
      string,
      Record<string, { summary?: string; description?: string }>
    >;
    const rows = Object.entries(paths)
      .flatMap(([path, ops]) =>
        Object.entries(ops).map(
          ([method, op]) =>
            `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escapeHtml(path)}</code></td><td>${escapeHtml(op.summary ?? "")}${op.description ? `<br><small>${escapeHtml(op.description)}</small>` : ""}</td></tr>`,
        ),
      )
      .join("\n");
    const info = document.info as { title?: string } | undefined;
    return c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(info?.title ?? "API")} reference</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}td{padding:.4rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}code{font-size:.95em}</style></head>
<body><h1>${escapeHtml(info?.title ?? "API")} reference</h1><p>The machine-readable document: <a href="/openapi.json">/openapi.json</a>. Errors are <code>application/problem+json</code> (RFC 9457).</p>
<table><thead><tr><th>Method</th><th>Path</th><th>What it does</th></tr></thead><tbody>${rows}</tbody></table></body></html>`);
  });
}
