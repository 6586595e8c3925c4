import type { Page } from "playwright-core";

/**
 * Text whose contrast with its background is under 4.5:1 (WCAG AA), computed in the page from
 * the rendered colours. Disabled controls are left out (WCAG exempts them).
 */
export function lowContrastText(page: Page): Promise<Array<{ text: string; ratio: number }>> {
  return page.evaluate(() => {
    const parse = (c: string): number[] => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m?.[1]) return [0, 0, 0, 0];
      const [r = 0, g = 0, b = 0, a = 1] = m[1]
        .split(/[\s,/]+/)
        .filter(Boolean)
        .map(Number);
      return [r, g, b, a];
    };
    const luminance = ([r = 0, g = 0, b = 0]: number[]) => {
      const f = (v: number) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if ((c[3] ?? 0) > 0) return c;
      }
      return [255, 255, 255, 1];
    };
    const found: Array<{ text: string; ratio: number }> = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim();
      const el = node.parentElement;
      if (!text || !el || el.closest("[disabled], .visually-hidden, .skip, option")) continue;
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0 || getComputedStyle(el).visibility === "hidden") continue;
      const fg = luminance(parse(getComputedStyle(el).color));
      const bg = luminance(background(el));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      if (ratio < 4.5) found.push({ text: text.slice(0, 40), ratio: Math.round(ratio * 100) / 100 });
    }
    return found;
  });
}

/** Form controls a screen reader could not name, and missing landmarks. */
export function accessibilityGaps(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const gaps: string[] = [];
    for (const name of ["header", "main", "footer"])
      if (!document.querySelector(name)) gaps.push(`no <${name}>`);
    if (!document.documentElement.lang) gaps.push("no lang on <html>");
    for (const control of Array.from(document.querySelectorAll("input, select, textarea"))) {
      const c = control as HTMLInputElement;
      if (c.type === "hidden") continue;
      if ((c.labels?.length ?? 0) === 0 && !c.getAttribute("aria-label"))
        gaps.push(`unlabelled ${c.outerHTML.slice(0, 60)}`);
    }
    for (const button of Array.from(document.querySelectorAll("button"))) {
      if (!button.textContent?.trim() && !button.getAttribute("aria-label"))
        gaps.push(`nameless ${button.outerHTML.slice(0, 60)}`);
    }
    return gaps;
  });
}
