import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dlqCommand } from "@loginguard/cli";
import { type HttpRecorder, startHttpRecorder } from "@loginguard/testing/http-recorder";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./cli-run";
import { at, eventually, KEYS, type RunningProduct } from "./product";

const ROUTE = "dlq-demo";

/** A product started with `RELAY_ROUTES_DIR`, and how the CLI reaches its dead letters. */
export interface DlqHarness {
  product: RunningProduct;
  /** The CLI's environment: KAFKA_BROKERS for Kafka (direct), DATA_DIR + key for embedded. */
  cliEnv: Record<string, string>;
  /** Extra CLI arguments (`--url` for the embedded instance's admin API). */
  cliArgs: string[];
  cleanup(): Promise<void>;
}

/**
 * `dlq replay` end to end (issue 11, "What must be shown"): a relay endpoint answers 400 for a
 * while, its records are in `dlq list`, the endpoint is fixed, `dlq replay` shows a progress bar
 * and each record is delivered once downstream; a second replay delivers nothing new.
 */
export function describeDlqReplay(mode: string, start: (routesDir: string) => Promise<DlqHarness>): void {
  describe(`dlq replay end to end: ${mode}`, () => {
    let endpoint: HttpRecorder;
    let broken = true;
    const statuses: number[] = [];
    let routesDir: string;
    let h: DlqHarness;

    beforeAll(async () => {
      endpoint = await startHttpRecorder(() => {
        statuses.push(broken ? 400 : 204);
        return { status: broken ? 400 : 204 };
      });
      routesDir = mkdtempSync(join(tmpdir(), "loginguard-e2e-routes-"));
      writeFileSync(
        join(routesDir, `${ROUTE}.json`),
        JSON.stringify({
          name: ROUTE,
          input: "login.attempted",
          endpoint: `${endpoint.url}/logins`,
          mode: "sink",
          concurrency: 4,
          timeoutMs: 5000,
          retry: { initialMs: 50, maxMs: 200 },
        }),
      );
      h = await start(routesDir);
      // A three-node Kafka cluster, PostgreSQL and the product start here: minutes on a loaded machine.
    }, 300_000);
    afterAll(async () => {
      await h?.cleanup();
      await endpoint?.close();
      if (routesDir) rmSync(routesDir, { recursive: true, force: true });
    });

    const answered = (status: number) =>
      endpoint.requests.filter((_, i) => statuses[i] === status).map((r) => String(r.headers["ce-id"]));
    const dlq = (...args: string[]) => runCli(dlqCommand, [...args, ...h.cliArgs], h.cliEnv);

    it("lists a 400 endpoint's records, replays them once fixed with a progress bar, delivers each once; a second replay delivers nothing", async () => {
      const account = `dlq-${mode.split(",")[0]}-${Date.now().toString(36)}`;
      const logins = [0, 1, 2].map((i) => ({
        eventId: `${account}-e${i}`,
        accountId: account,
        occurredAt: at(i),
        ip: "175.223.10.4",
        result: "success" as const,
      }));
      expect((await h.product.api.postLogins(logins)).status).toBe(202);
      await eventually("three 400 answers", async () => answered(400).length >= 3, 60_000);

      const listed = await eventually(
        "three dead letters listed",
        async () => {
          const r = await dlq("list", "--topic", "login.attempted");
          return r.code === 0 && r.out.includes(": 3 to replay") ? r : undefined;
        },
        60_000,
      );
      expect(listed.out).toMatch(
        /TOPIC\s+PARTITION\s+OFFSET\s+ERROR\s+ATTEMPTS\s+FIRST FAILURE\s+CORRELATION ID/,
      );
      expect(listed.out).toContain("login.attempted.dlq");
      expect(listed.out).toContain("answered 400");
      for (const l of logins) expect(listed.out).toContain(l.eventId);

      const dry = await dlq("replay", "--dry-run");
      expect(dry.out).toContain("dry run: would replay 3 dead letter(s)");
      await new Promise((r) => setTimeout(r, 500));
      expect(answered(204)).toHaveLength(0);

      broken = false;
      const first = await dlq("replay", "--by", "oncall-anna");
      expect(first.code, first.err).toBe(0);
      expect(first.progress).toContain("3/3");
      expect(first.out).toContain("replayed 3, skipped 0 already replayed, by oncall-anna");
      const delivered = await eventually(
        "the three replayed logins delivered",
        async () => (answered(204).length >= 3 ? answered(204) : undefined),
        60_000,
      );
      expect([...delivered].sort()).toEqual(logins.map((l) => l.eventId).sort());

      const second = await dlq("replay", "--by", "oncall-anna");
      expect(second.code, second.err).toBe(0);
      expect(second.out).toContain("replayed 0,");
      await new Promise((r) => setTimeout(r, 2000));
      expect(answered(204)).toHaveLength(3);

      const all = await dlq("list", "--all");
      expect(all.out).toContain("by oncall-anna");
      const [row] = /login\.attempted\.dlq\s+\d+\s+\d+/.exec(all.out) ?? [];
      const [topic, partition, offset] = row!.split(/\s+/);
      const shown = await dlq("show", `${topic}:${partition}:${offset}`);
      expect(JSON.parse(shown.out)).toMatchObject({
        sourceTopic: "login.attempted",
        stage: `relay-${ROUTE}`,
      });

      const audit = await eventually(
        "the replay in the audit trail",
        async () => {
          const res = await fetch(
            `${h.product.url}/v1/audit?accountId=${encodeURIComponent("(operations)")}`,
            {
              headers: { authorization: `Bearer ${KEYS.admin}` },
            },
          );
          const body = (await res.json()) as { items: Array<{ action: string; actor: { id: string } }> };
          return body.items.find((i) => i.action === "operator.dlq_replay");
        },
        // On Kafka the row arrives through operator.actions and account-security's audit group;
        // under a full `npm test` it took over 60 s in two runs (6 s alone).
        150_000,
      );
      expect(audit.actor.id).toContain("oncall-anna");
    }, 300_000); // one-off consumer groups per read and the audit group: slow on a busy three-node cluster
  });
}
