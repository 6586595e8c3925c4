import { describe, expect, it } from "vitest";
import { maskIp } from "./ip-mask";

describe("maskIp", () => {
  it("hides the last octet of IPv4", () => {
    expect(maskIp("203.0.113.45")).toBe("203.0.113.x");
    expect(maskIp(" 10.0.0.1 ")).toBe("10.0.0.x");
  });

  it("keeps the first 48 bits of IPv6 and hides the last 80", () => {
    expect(maskIp("2001:db8:85a3:1:2:3:4:5")).toBe("2001:db8:85a3:x:x:x:x:x");
    expect(maskIp("2001:DB8:0:0:0:0:0:1")).toBe("2001:db8:0:x:x:x:x:x");
    expect(maskIp("2001:db8::1")).toBe("2001:db8:0:x:x:x:x:x");
    expect(maskIp("::1")).toBe("0:0:0:x:x:x:x:x");
    expect(maskIp("::")).toBe("0:0:0:x:x:x:x:x");
    expect(maskIp("fe80::1:2:3:4:5:6")).toBe("fe80:0:1:x:x:x:x:x");
    expect(maskIp("64:ff9b::192.0.2.33")).toBe("64:ff9b:0:x:x:x:x:x");
  });

  it("masks IPv4-mapped IPv6 as the IPv4 address it is", () => {
    expect(maskIp("::ffff:198.51.100.23")).toBe("198.51.100.x");
    expect(maskIp("::FFFF:c633:6417")).toBe("198.51.100.x");
    expect(maskIp("0:0:0:0:0:ffff:203.0.113.9")).toBe("203.0.113.x");
  });

  it("answers null for text that is not an address", () => {
    for (const text of [
      "",
      "not-an-ip",
      "1.2.3",
      "1.2.3.4.5",
      "256.1.1.1",
      "1.2.3.4:80",
      "2001:db8::1::2",
      "fe80::1%eth0",
    ]) {
      expect(maskIp(text), text).toBeNull();
    }
  });
});
