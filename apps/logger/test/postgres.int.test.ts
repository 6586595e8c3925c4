import { requireComponents } from "@loginguard/testing";
import { describe } from "vitest";
import { postgresFactory } from "./fixtures";
import { describeLoggerStore } from "./history-suite";

const missing = requireComponents("postgresql");

describe.skipIf(missing.skip)("PostgreSQL", () => {
  describeLoggerStore("logger on PostgreSQL", postgresFactory);
});
