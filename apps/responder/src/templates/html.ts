/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** The parts of an email, as plain strings; the layout escapes them. */
export interface EmailParts {
  lang: string;
  brand: string;
  heading: string;
  paragraphs: string[];
  /** Label/value lines such as "When" and "Where". */
  facts?: Array<[label: string, value: string]>;
  button?: { label: string; url: string };
  /** Text shown under the button (e.g. what answering does). */
  afterButton?: string;
  /** Small print: why the reader gets this email. */
  footer: string;
}

/** A small, inline-styled HTML email (mail clients ignore style sheets). */
export function htmlEmail(p: EmailParts): string {
  const e = escapeHtml;
  const facts = (p.facts ?? [])
    .map(
      ([label, value]) =>
        `<tr><td style="padding:2px 12px 2px 0;color:#555">${e(label)}</td><td>${e(value)}</td></tr>`,
    )
    .join("");
  const button = p.button
    ? `<p style="margin:24px 0"><a href="${e(p.button.url)}" style="background:#1a56db;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none;display:inline-block">${e(p.button.label)}</a></p>`
    : "";
  return [
    `<!doctype html><html lang="${e(p.lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${e(p.heading)}</title></head>`,
    `<body style="font-family:system-ui,-apple-system,'Segoe UI','Apple SD Gothic Neo','Malgun Gothic',sans-serif;color:#111;max-width:560px;margin:0 auto;padding:16px">`,
    `<p style="color:#555;margin:0 0 8px">${e(p.brand)}</p>`,
    `<h1 style="font-size:20px;margin:0 0 16px">${e(p.heading)}</h1>`,
    ...p.paragraphs.map((text) => `<p>${e(text)}</p>`),
    facts ? `<table style="border-collapse:collapse;margin:12px 0">${facts}</table>` : "",
    button,
    p.afterButton ? `<p style="color:#555">${e(p.afterButton)}</p>` : "",
    `<hr style="border:none;border-top:1px solid #ddd;margin:24px 0"><p style="color:#777;font-size:12px">${e(p.footer)}</p>`,
    "</body></html>",
  ].join("\n");
}

/** The same parts as plain text. */
export function textEmail(p: EmailParts): string {
  const lines = [p.heading, "", ...p.paragraphs.flatMap((t) => [t, ""])];
  for (const [label, value] of p.facts ?? []) lines.push(`${label}: ${value}`);
  if (p.facts?.length) lines.push("");
  if (p.button) lines.push(`${p.button.label}: ${p.button.url}`, "");
  if (p.afterButton) lines.push(p.afterButton, "");
  lines.push("--", p.footer);
  return `${lines.join("\n")}\n`;
}
