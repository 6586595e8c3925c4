import type { Context } from "hono";
import type { z } from "zod";
import { problems } from "./problem";

/**
 * Reads a JSON body: 415 when it is not declared as JSON, 400 when it does not parse, and
 * 400 with per-field errors when it fails the schema.
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const body = await readJsonBody(c);
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw problems.validation(
      parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    );
  }
  return parsed.data;
}

/** The body as unknown JSON, with 415/400 for non-JSON. */
export async function readJsonBody(c: Context): Promise<unknown> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) throw problems.unsupportedMediaType();
  // JSON is UTF-8 (RFC 8259); a body declared in another charset is refused, never stored mangled.
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(type)?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
    throw problems.unsupportedMediaType(`Send JSON in UTF-8; charset=${charset} is not accepted`);
  }
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch (err) {
    throw problems.badRequest(`The body is not valid JSON: ${(err as Error).message}`);
  }
}
