export const LANGUAGES = ["en", "ko"] as const;
export type Lang = (typeof LANGUAGES)[number];

/** The reader's language: an explicit choice first, else the best of Accept-Language, else English. */
export function pickLanguage(acceptLanguage: string | undefined | null, choice?: string | null): Lang {
  if (choice === "ko" || choice === "en") return choice;
  const ranked = (acceptLanguage ?? "")
    .split(",")
    .map((part) => {
      const [tag = "", ...params] = part.trim().toLowerCase().split(";");
      const q = Number(params.find((p) => p.trim().startsWith("q="))?.split("=")[1] ?? 1);
      return { tag, q: Number.isFinite(q) ? q : 0 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const base = tag.split("-")[0];
    if (base === "ko" || base === "en") return base;
  }
  return "en";
}
