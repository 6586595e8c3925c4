import type { Lang } from "@loginguard/i18n";

/** One message in every form a channel needs. */
export interface RenderedMessage {
  lang: Lang;
  /** Email subject; also the title of an in-game message. */
  subject: string;
  /** Email plain-text part. */
  text: string;
  /** Email HTML part; every inserted value escaped. */
  html: string;
  /** One short SMS (about one segment plus a link). */
  sms: string;
  /** In-game message; undefined when the message must never be shown in game (unlock codes). */
  inGame?: { title: string; text: string };
}

/** What every template needs besides its own data. */
export interface TemplateContext {
  lang: Lang;
  /** Shown as the sender's name in the text ("[Brand] ..."). */
  brand: string;
  /** Portal base URL without a trailing slash. */
  publicUrl: string;
  /**
   * The signed "was this you?" link token for the decision's login (docs/ARCHITECTURE.md
   * section 7); absent: the link opens the signed-in /me page.
   */
  answerToken?: string;
}
