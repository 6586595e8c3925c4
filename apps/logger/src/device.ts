/** Browsers by the token that identifies them, most specific first (Edge and Opera also say Chrome). */
const BROWSERS: Array<[RegExp, string]> = [
  [/\bEdg(e|A|iOS)?\//, "Edge"],
  [/\b(OPR|Opera)\//, "Opera"],
  [/\bSamsungBrowser\//, "Samsung Internet"],
  [/\b(Firefox|FxiOS)\//, "Firefox"],
  [/\b(Chrome|CriOS|Chromium)\//, "Chrome"],
  [/\bVersion\/[\d.]+.*\bSafari\//, "Safari"],
];

const SYSTEMS: Array<[RegExp, string]> = [
  [/\b(iPhone|iPad|iPod)\b/, "iOS"],
  [/\bAndroid\b/, "Android"],
  [/\bWindows\b/, "Windows"],
  [/\bCrOS\b/, "ChromeOS"],
  [/\bMac OS X\b|\bMacintosh\b/, "macOS"],
  [/\bLinux\b/, "Linux"],
  [/\bPlayStation\b/, "PlayStation"],
  [/\bXbox\b/, "Xbox"],
  [/\bNintendo\b/, "Nintendo"],
];

const MAX_SUMMARY = 64;

/**
 * A short, language-neutral description of the device for the history page: "Chrome on Windows"
 * from a browser user agent, the first product token of another client ("GameLauncher/3.2 on
 * Windows"), else the device id, else null. Plain text: whoever renders it escapes it.
 */
export function summarizeDevice(
  userAgent: string | null | undefined,
  deviceId?: string | null,
): string | null {
  const ua = userAgent?.trim();
  if (ua) {
    const system = SYSTEMS.find(([pattern]) => pattern.test(ua))?.[1];
    const browser = /^Mozilla\//.test(ua) ? BROWSERS.find(([pattern]) => pattern.test(ua))?.[1] : undefined;
    const product = browser ?? ua.split(/[\s(;]/, 1)[0]?.slice(0, 40);
    const text = [product, system].filter(Boolean).join(" on ");
    if (text) return text.slice(0, MAX_SUMMARY);
  }
  const id = deviceId?.trim();
  return id ? id.slice(0, MAX_SUMMARY) : null;
}
