import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import type { Route } from "./route";

/** The reviewed JSON Schema of route files. */
export const ROUTES_SCHEMA_PATH = fileURLToPath(
  new URL("../../../../infra/routes.schema.json", import.meta.url),
);

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(ROUTES_SCHEMA_PATH, "utf8")) as Record<string, unknown>;
    compiled = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(schema);
  }
  return compiled;
}

/** `/retry/maxMs` -> `retry.maxMs`; the root is `(root)`. */
function fieldOf(instancePath: string): string {
  const path = instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"))
    .join(".");
  return path || "(root)";
}

/** One readable line per schema error, naming the field. */
function describeSchemaError(error: ErrorObject): string | undefined {
  const at = error.instancePath;
  if (error.propertyName !== undefined) {
    return `${fieldOf(at)}.${error.propertyName}: this header name is not allowed (lowercase token; not one the relay sets)`;
  }
  switch (error.keyword) {
    case "if":
      // The `then` branch's own error says what is wrong.
      return undefined;
    case "required": {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      const field = at ? `${fieldOf(at)}.${missing}` : missing;
      if (error.schemaPath.startsWith("#/allOf/0/then")) return `${field}: required when mode is "stream"`;
      return `${field}: required`;
    }
    case "not":
      if (error.schemaPath.startsWith("#/allOf/1/then")) return `output: not allowed when mode is "sink"`;
      return `${fieldOf(at)}: ${error.message ?? "not allowed"}`;
    case "additionalProperties": {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      return `${at ? `${fieldOf(at)}.` : ""}${extra}: unknown field`;
    }
    case "propertyNames": {
      const name = (error.params as { propertyName: string }).propertyName;
      return `${fieldOf(at)}.${name}: this header name is not allowed (lowercase token; not one the relay sets)`;
    }
    case "enum":
      return `${fieldOf(at)}: must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues
        .map((v) => JSON.stringify(v))
        .join(", ")}`;
    default:
      return `${fieldOf(at)}: ${error.message ?? error.keyword}`;
  }
}

/** What a route file holds: a route, or the reasons it is refused (each naming a field). */
export type RouteCheck = { ok: true; route: Route } | { ok: false; errors: string[] };

/**
 * Checks a parsed route file against infra/routes.schema.json, then what a schema cannot say:
 * the retry bounds in order, an endpoint that parses as a URL, and an output that is not the
 * input (a stream route answering into its own input would loop forever).
 */
export function checkRoute(value: unknown): RouteCheck {
  const validate = validator();
  if (!validate(value)) {
    const all = validate.errors ?? [];
    // Not an object at all: the other rules' complaints would only confuse.
    const rootType = all.filter((e) => e.instancePath === "" && e.keyword === "type");
    const errors = [
      ...new Set(
        (rootType.length > 0 ? rootType : all).map(describeSchemaError).filter((e): e is string => !!e),
      ),
    ];
    return { ok: false, errors: errors.length > 0 ? errors : ["(root): does not match the schema"] };
  }
  const route = value as Route & { $schema?: string };
  const errors: string[] = [];
  if (route.retry.initialMs > route.retry.maxMs) errors.push("retry.initialMs: must not exceed retry.maxMs");
  if (!URL.canParse(route.endpoint)) errors.push("endpoint: not a valid URL");
  if (route.output !== undefined && route.output === route.input) {
    errors.push("output: must differ from input (the answers would be consumed again)");
  }
  if (errors.length > 0) return { ok: false, errors };
  const { $schema: _schema, ...clean } = route;
  return { ok: true, route: clean };
}
