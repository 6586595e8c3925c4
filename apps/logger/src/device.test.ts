import { describe, expect, it } from "vitest";
import { summarizeDevice } from "./device";

describe("summarizeDevice", () => {
  it("names browser and system of common user agents", () => {
    expect(
      summarizeDevice(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
      ),
    ).toBe("Chrome on Windows");
    expect(
      summarizeDevice(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
      ),
    ).toBe("Edge on Windows");
    expect(
      summarizeDevice(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
      ),
    ).toBe("Safari on iOS");
    expect(summarizeDevice("Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0")).toBe(
      "Firefox on Linux",
    );
    expect(
      summarizeDevice(
        "Mozilla/5.0 (Linux; Android 14; SM-S918N) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
      ),
    ).toBe("Samsung Internet on Android");
  });

  it("names a game client by its product token", () => {
    expect(summarizeDevice("GameLauncher/3.2.1 (Windows NT 10.0; x64)")).toBe(
      "GameLauncher/3.2.1 on Windows",
    );
    expect(summarizeDevice("MyGameClient/7")).toBe("MyGameClient/7");
  });

  it("falls back to the device id, then null", () => {
    expect(summarizeDevice(undefined, "device-42")).toBe("device-42");
    expect(summarizeDevice("   ", "device-42")).toBe("device-42");
    expect(summarizeDevice(null, null)).toBeNull();
    expect(summarizeDevice("x".repeat(500))?.length).toBeLessThanOrEqual(64);
  });
});
