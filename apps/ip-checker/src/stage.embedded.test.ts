import type { OutgoingRecord } from "@loginguard/bus";
import { DLQ_HEADERS } from "@loginguard/bus";
import {
  decodeEvent,
  deriveEventId,
  dlqTopicOf,
  EVENT_TYPES,
  encodeEvent,
  type LoginAttempted,
  makeEvent,
  TOPICS,
} from "@loginguard/events";
import { type GeoIpReader, openGeoIp } from "@loginguard/geoip";
import { silentLogger } from "@loginguard/observability";
import { type EmbeddedLogFixture, openEmbeddedLog } from "@loginguard/platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attempted } from "../test/fixtures";
import { createIpCheckerService, type IpCheckerService } from "./service";
import { IP_CHECKER_STAGE } from "./stage";

function attemptedRecord(login: LoginAttempted, type: string = EVENT_TYPES.loginAttempted): OutgoingRecord {
  const event = makeEvent({
    id: login.eventId,
    type: EVENT_TYPES.loginAttempted,
    source: "loginguard/ingest",
    subject: login.accountId,
    correlationId: login.eventId,
    data: login,
  });
  const wire = encodeEvent(event);
  return { topic: TOPICS.loginAttempted, ...wire, headers: { ...wire.headers, ce_type: type } };
}

/** The stage on the real embedded event log (PGlite in a temporary directory) and the CC0 database. */
describe("ip-checker on the embedded event log", () => {
  let log: EmbeddedLogFixture;
  let geoip: GeoIpReader;
  let service: IpCheckerService;

  beforeAll(async () => {
    log = await openEmbeddedLog(
      [TOPICS.loginAttempted, TOPICS.loginLocated, dlqTopicOf(TOPICS.loginAttempted)],
      "ip-checker",
    );
    geoip = await openGeoIp({ watch: false, logger: silentLogger() });
    service = createIpCheckerService({
      bus: log.bus,
      geoip,
      logger: silentLogger(),
      config: { geoipPath: undefined, geoipCacheSize: 1000, maxInFlight: 100 },
    });
    await service.start();
    await log.watch([TOPICS.loginLocated, dlqTopicOf(TOPICS.loginAttempted)]);
  });
  afterAll(async () => {
    await service?.stop();
    geoip?.close();
    await log?.close();
  });

  const located = (eventId: string) =>
    log.until(() => {
      const record = log.seen.find(
        (r) =>
          r.topic === TOPICS.loginLocated &&
          r.headers.ce_id === deriveEventId(IP_CHECKER_STAGE, eventId, EVENT_TYPES.loginLocated),
      );
      if (!record) return undefined;
      const decoded = decodeEvent(record, [EVENT_TYPES.loginLocated]);
      if (!decoded.ok) throw decoded.error;
      return { record, event: decoded.event };
    });

  it("publishes login.located with the country, keeping key and correlation id", async () => {
    await log.bus.publish([
      attemptedRecord(attempted({ eventId: "gb-1", accountId: "acc-gb", ip: "81.2.69.160" })),
      attemptedRecord(attempted({ eventId: "mapped-1", accountId: "acc-gb", ip: "::ffff:81.2.69.160" })),
      attemptedRecord(attempted({ eventId: "lan-1", accountId: "acc-lan", ip: "10.20.30.40" })),
    ]);
    const gb = await located("gb-1");
    expect(gb.record.key).toBe("acc-gb");
    expect(gb.event).toMatchObject({
      source: "loginguard/ip-checker",
      subject: "acc-gb",
      correlationId: "gb-1",
      data: {
        eventId: "gb-1",
        ip: "81.2.69.160",
        sessionId: "s-1",
        location: { country: "GB", ipClass: "public", normalizedIp: "81.2.69.160" },
      },
    });
    expect(gb.event.data.location.geoipDatabase).toEqual({
      type: geoip.database.type,
      buildEpoch: geoip.database.buildEpoch,
    });
    expect((await located("mapped-1")).event.data.location.country).toBe("GB");
    expect((await located("lan-1")).event.data.location).toMatchObject({
      country: null,
      ipClass: "private",
      ipRange: "rfc1918",
    });
  });

  it("passes a login whose ip is not an address on as invalid (written past ingest, e.g. with kcat)", async () => {
    await log.bus.publish([attemptedRecord(attempted({ eventId: "bad-ip-1", ip: "not-an-ip" }))]);
    expect((await located("bad-ip-1")).event.data.location).toEqual({
      country: null,
      ipClass: "invalid",
      ipRange: null,
      normalizedIp: null,
      geoipDatabase: null,
    });
  });

  it("dead-letters an event of an unknown version with the reason", async () => {
    await log.bus.publish([
      attemptedRecord(attempted({ eventId: "v2-1" }), "loginguard.login.attempted.v2"),
      attemptedRecord(attempted({ eventId: "after-v2" })),
    ]);
    const dead = await log.until(() =>
      log.seen.find((r) => r.topic === dlqTopicOf(TOPICS.loginAttempted) && r.headers.ce_id === "v2-1"),
    );
    expect(dead.headers[DLQ_HEADERS.error]).toMatch(
      /unsupported event type loginguard\.login\.attempted\.v2/,
    );
    expect(dead.headers[DLQ_HEADERS.code]).toBe("unsupported_event_type");
    expect(dead.headers[DLQ_HEADERS.stage]).toBe(IP_CHECKER_STAGE);
    expect(dead.headers[DLQ_HEADERS.topic]).toBe(TOPICS.loginAttempted);
    // The partition moved on.
    expect((await located("after-v2")).event.data.eventId).toBe("after-v2");
    expect(
      log.seen.some((r) => r.topic === TOPICS.loginLocated && r.headers.ce_correlationid === "v2-1"),
    ).toBe(false);
  });

  it("refuses to start on a GEOIP_DB that cannot be read, naming the file", async () => {
    const broken = createIpCheckerService({
      bus: log.bus,
      logger: silentLogger(),
      config: { geoipPath: "/nonexistent/GeoLite2-Country.mmdb", geoipCacheSize: 10, maxInFlight: 10 },
    });
    await expect(broken.start()).rejects.toMatchObject({
      code: "geoip_database_unreadable",
      message: expect.stringContaining("/nonexistent/GeoLite2-Country.mmdb"),
    });
    expect(broken.stage).toBeUndefined();
  });
});
