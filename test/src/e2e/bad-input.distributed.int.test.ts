import { dlqTopicOf, EVENT_TYPES, TOPICS } from "@loginguard/events";
import { requireComponents } from "@loginguard/testing";
import { type KcatOutgoingRecord, kcatConsume, kcatProduce } from "@loginguard/testing/kcat";
import { describe, expect, it } from "vitest";
import { startDistributedInfra } from "./infra";
import { at, eventually, productEnv, startProduct, startReceivers, tempDataDir } from "./product";

const KR = "175.223.10.4";
const BR = "177.67.80.1";
const missing = requireComponents("postgresql", "java", "maven", "kcat");

/**
 * issue 9 point 6, "records written straight to Kafka with kcat": the distributed product on the
 * three-node Apache Kafka cluster and PostgreSQL; bad records written with kcat to every stage's input
 * topic are dead-lettered with the reason (read back with kcat), and the same partitions go on.
 */
describe.skipIf(missing.skip)("bad records written with kcat (distributed)", () => {
  it("dead-letters every bad record with the reason; a later login of the same account is locked", async () => {
    const [receivers, infra] = await Promise.all([startReceivers(), startDistributedInfra()]);
    const data = tempDataDir("bad-kcat");
    const product = await startProduct(productEnv(receivers, data.dir, infra.env));
    try {
      const account = `kcat-bad-${Date.now().toString(36)}`;
      const headers = (type: string, id: string) => ({
        ce_specversion: "1.0",
        ce_id: id,
        ce_type: type,
        ce_source: "kcat",
        "content-type": "application/json",
      });
      const topics: Array<[string, string]> = [
        [TOPICS.loginAttempted, EVENT_TYPES.loginAttempted],
        [TOPICS.loginLocated, EVENT_TYPES.loginLocated],
        [TOPICS.loginRecorded, EVENT_TYPES.loginRecorded],
        [TOPICS.securityDecided, EVENT_TYPES.securityDecided],
        [TOPICS.accountChanged, EVENT_TYPES.accountChanged],
      ];
      const bad = new Map<string, KcatOutgoingRecord[]>();
      for (const [topic, type] of topics) {
        bad.set(topic, [
          { key: account, value: '{"accountId":', headers: headers(type, `${topic}-truncated`) },
          {
            key: account,
            value: "{}",
            headers: { ...headers(type, `${topic}-ctype`), "content-type": "text/plain" },
          },
          { key: account, value: "{}", headers: headers(type.replace(/\.v1$/, ".v9"), `${topic}-v9`) },
          { key: account, value: '{"accountId":"a\\u0000"}', headers: headers(type, `${topic}-nul-id`) },
        ]);
      }
      for (const [topic, records] of bad) await kcatProduce(infra.kafka.bootstrap, topic, records);

      const res = await product.api.postLogins([
        { accountId: account, occurredAt: at(0), ip: KR, result: "success" },
        { accountId: account, occurredAt: at(5), ip: KR, result: "success" },
        { accountId: account, occurredAt: at(15), ip: BR, result: "success", userAgent: "Evil\u0000Agent" },
      ]);
      expect(res.status).toBe(202);
      await eventually(
        "locked after the bad records",
        async () => (await product.api.status(account)).body.locked === true,
        120_000,
      );
      let letters = 0;
      for (const [topic, records] of bad) {
        const dead = await eventually(
          `dead letters of ${topic}`,
          async () => {
            const seen = (
              await kcatConsume(infra.kafka.bootstrap, dlqTopicOf(topic), { timeoutMs: 20_000 })
            ).filter((r) => r.key === account);
            return records.every((b) => seen.some((d) => d.headers.ce_id === b.headers?.ce_id))
              ? seen
              : undefined;
          },
          120_000,
        );
        for (const d of dead) {
          expect(d.headers.dlq_error).toBeTruthy();
          expect(d.headers.dlq_source_topic).toBe(topic);
        }
        letters += dead.length;
      }
      console.log(
        `kcat: ${[...bad.values()].flat().length} bad records on ${bad.size} topics, ${letters} dead letters`,
      );
    } finally {
      await product.stop();
      await receivers.close();
      await infra.stop();
      data.remove();
    }
  }, 600_000);
});
