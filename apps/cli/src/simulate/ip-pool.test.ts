import { classifyIp } from "@loginguard/geoip";
import { beforeAll, describe, expect, it } from "vitest";
import { ATTACKER_ORIGINS, COUNTRIES } from "./countries";
import { IpPool, type IpsByCountry, scanPublicIps } from "./ip-pool";
import { createRandom } from "./random";

const CODES = [...new Set([...COUNTRIES.map((c) => c.code), ...ATTACKER_ORIGINS])];
let ips: IpsByCountry;
beforeAll(async () => {
  ips = await scanPublicIps(CODES);
});

describe("addresses from the GeoIP database", () => {
  it("finds dozens of distinct public addresses in every country the simulation uses", () => {
    for (const code of CODES) {
      const list = ips.get(code) ?? [];
      expect(list.length, code).toBeGreaterThanOrEqual(50);
      expect(new Set(list).size, code).toBe(list.length);
      for (const ip of list.slice(0, 20)) expect(classifyIp(ip).ipClass, ip).toBe("public");
    }
    // Blocks whose country is common knowledge: KT (Korea Telecom) 175.223/16, NTT 126/8 in Japan.
    expect(ips.get("KR")).toContain("175.223.224.43");
    expect(ips.get("JP")!.some((ip) => ip.startsWith("126."))).toBe(true);
  });

  it("scans the same way every time, so a seed replays the same addresses", async () => {
    const again = await scanPublicIps(["KR", "BR"]);
    expect(again.get("KR")).toEqual(ips.get("KR"));
    expect(again.get("BR")).toEqual(ips.get("BR"));
  });

  it("names a country the database has no address for", async () => {
    await expect(scanPublicIps(["KR", "ZZ"])).rejects.toThrow(/maps no scanned address to ZZ/);
  });

  it("hands out a different address each time until all were used", () => {
    const pool = new IpPool(new Map([["KR", ["1.1.1.1", "2.2.2.2"]]]), createRandom(1));
    const first = [pool.take("KR"), pool.take("KR")];
    expect(first.sort()).toEqual(["1.1.1.1", "2.2.2.2"]);
    expect(["1.1.1.1", "2.2.2.2"]).toContain(pool.take("KR"));
    expect(() => pool.take("JP")).toThrow(/no addresses known in JP/);
  });
});
