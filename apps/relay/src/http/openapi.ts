import type { OpenApiFragment } from "@loginguard/http";

const planItem = {
  type: "object",
  required: ["name", "action", "partitions"],
  properties: {
    name: { type: "string" },
    action: { enum: ["create", "add_partitions", "unchanged"] },
    partitions: { type: "integer" },
    from: { type: "integer", description: "Partitions before, for add_partitions." },
  },
};

const problem = { "application/problem+json": { schema: { type: "object" } } };

/** The relay module's part of `/openapi.json`. */
export const relayOpenApi: OpenApiFragment = {
  paths: {
    "/v1/admin/topics/apply": {
      post: {
        summary: "Apply a topics file to the event log (admin API key)",
        description:
          "Creates missing topics and their dead-letter topics and adds partitions; never removes anything. " +
          "`loginguard topics apply` calls this on a running embedded instance. With dryRun, only the plan.",
        security: [{ adminApiKey: [] }],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["topics"],
                properties: {
                  topics: {
                    type: "object",
                    description: "The contents of infra/topics.json (schema: infra/topics.schema.json)",
                    required: ["defaults", "topics"],
                  },
                  dryRun: { type: "boolean", default: false },
                },
              },
            },
          },
        },
        responses: {
          "200": {
            description: "What was done (or, with dryRun, would be done) per topic",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    dryRun: { type: "boolean" },
                    driver: { enum: ["embedded", "kafka"] },
                    items: { type: "array", items: planItem },
                  },
                },
              },
            },
          },
          "400": { description: "The body is not a valid topics file", content: problem },
          "401": { description: "No or wrong admin API key", content: problem },
          "422": {
            description: "The event log refused (e.g. a cluster without CreateTopics)",
            content: problem,
          },
          "503": { description: "The event log is unavailable", content: problem },
        },
      },
    },
    "/v1/admin/relay/routes": {
      get: {
        summary: "Relay routes and their state (admin API key)",
        description:
          "One entry per route file: the route running from it, its state (running, refused, failed) and the error of a refused version.",
        security: [{ adminApiKey: [] }],
        responses: {
          "200": {
            description: "The route files",
            content: { "application/json": { schema: { type: "object" } } },
          },
          "401": { description: "No or wrong admin API key", content: problem },
        },
      },
    },
  },
  components: {
    securitySchemes: {
      adminApiKey: { type: "http", scheme: "bearer", description: "An ADMIN_API_KEYS key" },
    },
  },
};
