import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { topicsFileSchema } from "@loginguard/bus";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";

const infra = (name: string) => fileURLToPath(new URL(`../../../infra/${name}`, import.meta.url));
const schema = JSON.parse(readFileSync(infra("topics.schema.json"), "utf8")) as Record<string, unknown>;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
const topicsFile = JSON.parse(readFileSync(infra("topics.json"), "utf8")) as Record<string, unknown>;

/** CI's check that infra/topics.json matches its reviewed JSON Schema and the loader agrees. */
describe("infra/topics.schema.json", () => {
  it("accepts infra/topics.json, as the zod loader does", () => {
    expect(validate(topicsFile), JSON.stringify(validate.errors)).toBe(true);
    expect(topicsFileSchema.safeParse(topicsFile).success).toBe(true);
  });

  it("declares each topic once", () => {
    const names = (topicsFile.topics as Array<{ name: string }>).map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("refuses what the loader refuses", () => {
    const defaults = topicsFile.defaults as Record<string, unknown>;
    const broken = [
      { ...topicsFile, defaults: { ...defaults, partitions: 0 } },
      { ...topicsFile, defaults: { ...defaults, retentionMs: -2 } },
      { ...topicsFile, topics: [{ name: "bad name" }] },
      { ...topicsFile, topics: [{ name: "t", config: { "retention.ms": 5 } }] },
      { ...topicsFile, topics: [{ name: "t", deadLetter: "yes" }] },
      { defaults },
    ];
    for (const file of broken) {
      expect(validate(file), JSON.stringify(file)).toBe(false);
      expect(topicsFileSchema.safeParse(file).success, JSON.stringify(file)).toBe(false);
    }
  });

  it("also catches misspelt fields, which the loader would ignore", () => {
    expect(validate({ ...topicsFile, topics: [{ name: "t", partition: 3 }] })).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({
      keyword: "additionalProperties",
      params: { additionalProperty: "partition" },
    });
  });
});
