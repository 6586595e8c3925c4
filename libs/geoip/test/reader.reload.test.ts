import { copyFile, mkdtemp, rename, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { silentLogger } from "@loginguard/observability";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { defaultGeoIpDatabasePath } from "../src/default-path";
import { type GeoIpReader, openGeoIp } from "../src/reader";
import { testDb } from "./fixtures";

const WAIT = { timeout: 10_000, interval: 20 };

describe("reloading the database file", () => {
  let dir: string;
  let path: string;
  let geoip: GeoIpReader | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "geoip-reload-"));
    path = join(dir, "GeoIP.mmdb");
    await copyFile(testDb("GeoIP2-Country-Test"), path);
  });
  afterEach(async () => {
    geoip?.close();
    geoip = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  /** Replaces the file the way geoipupdate does: write beside it, then rename over it. */
  async function replaceAtomically(source: string): Promise<void> {
    const temp = `${path}.tmp`;
    await copyFile(source, temp);
    await rename(temp, path);
  }

  it("swaps in a changed file, drops the cache, and keeps the old data when the new file is broken", async () => {
    const logger = silentLogger();
    const errors = vi.spyOn(logger, "error");
    const reader = await openGeoIp({ path, logger, watchIntervalMs: 25 });
    geoip = reader;
    expect(reader.database.type).toBe("GeoIP2-Country");
    expect(reader.locate("1.1.1.1").country).toBeNull(); // cached: not in the test database
    expect(reader.locate("81.2.69.160").country).toBe("GB");

    // 1. Atomic replacement by another database (another schema, too).
    await replaceAtomically(defaultGeoIpDatabasePath());
    await vi.waitFor(() => expect(reader.database.type).toBe("country ipvAll"), WAIT);
    expect(reader.locate("1.1.1.1").country).toBe("AU"); // the cached null is gone
    expect(reader.locate("8.8.8.8").country).toBe("US");
    expect(reader.stats()).toMatchObject({ reloads: 1, reloadFailures: 0 });

    // 2. Garbage written in place: logged, the previous database keeps answering.
    await writeFile(path, "not a database\n".repeat(1000));
    await vi.waitFor(() => expect(reader.stats().reloadFailures).toBeGreaterThanOrEqual(1), WAIT);
    expect(errors).toHaveBeenCalledWith(
      expect.objectContaining({ path, err: expect.stringContaining("not a MaxMind DB") }),
      expect.stringContaining("keeping the previous database"),
    );
    expect(reader.database.type).toBe("country ipvAll");
    expect(reader.locate("1.1.1.1").country).toBe("AU");
    expect(reader.locate("2a00:1450:4001::1").country).toBe("IE");

    // 3. A database without countries is refused the same way.
    const failures = reader.stats().reloadFailures;
    await replaceAtomically(testDb("GeoLite2-ASN-Test"));
    await vi.waitFor(() => expect(reader.stats().reloadFailures).toBeGreaterThan(failures), WAIT);
    expect(reader.database.type).toBe("country ipvAll");

    // 4. A good file again, copied in place this time.
    await copyFile(testDb("GeoLite2-Country-Test"), path);
    await vi.waitFor(() => expect(reader.database.type).toBe("GeoLite2-Country"), WAIT);
    expect(reader.locate("1.1.1.1").country).toBeNull();
    expect(reader.locate("89.160.20.112").country).toBe("SE");
    expect(reader.stats().reloads).toBe(2);
  });

  it("keeps answering when the file disappears", async () => {
    const logger = silentLogger();
    const warnings = vi.spyOn(logger, "warn");
    const reader = await openGeoIp({ path, logger, watchIntervalMs: 25 });
    geoip = reader;
    await unlink(path);
    await vi.waitFor(() => expect(warnings).toHaveBeenCalled(), WAIT);
    expect(reader.locate("81.2.69.160").country).toBe("GB");
    // And picks up the file when it comes back.
    await copyFile(testDb("GeoLite2-Country-Test"), path);
    await vi.waitFor(() => expect(reader.database.type).toBe("GeoLite2-Country"), WAIT);
  });

  it("stops watching after close", async () => {
    const reader = await openGeoIp({ path, logger: silentLogger(), watchIntervalMs: 25 });
    geoip = reader;
    reader.close();
    await replaceAtomically(defaultGeoIpDatabasePath());
    await sleep(300);
    expect(reader.database.type).toBe("GeoIP2-Country");
    expect(reader.locate("81.2.69.160").country).toBe("GB"); // still answers
  });

  it("reload() on demand: old answers until the new file is open; false when unchanged; rejects when broken", async () => {
    const reader = await openGeoIp({ path, logger: silentLogger(), watch: false });
    geoip = reader;
    await expect(reader.reload()).resolves.toBe(false);

    await replaceAtomically(defaultGeoIpDatabasePath());
    const pending = reader.reload();
    expect(reader.locate("1.1.1.1").country).toBeNull(); // still the old database
    await expect(pending).resolves.toBe(true);
    expect(reader.locate("1.1.1.1").country).toBe("AU");

    await writeFile(path, Buffer.alloc(0));
    await expect(reader.reload()).rejects.toMatchObject({ code: "geoip_database_invalid" });
    expect(reader.locate("1.1.1.1").country).toBe("AU");
    expect(reader.stats()).toMatchObject({ reloads: 1, reloadFailures: 1 });
  });

  it("without watch, a changed file is not picked up by itself", async () => {
    const reader = await openGeoIp({ path, logger: silentLogger(), watch: false, watchIntervalMs: 25 });
    geoip = reader;
    await replaceAtomically(defaultGeoIpDatabasePath());
    await sleep(300);
    expect(reader.database.type).toBe("GeoIP2-Country");
  });
});
