/**
 * DOM building without HTML parsing: text always goes in as text nodes, so an accountId,
 * userAgent or deviceId holding markup is shown, never run. There is deliberately no innerHTML.
 */

export type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string;
  id?: string;
  hidden?: boolean;
  /** Attributes; `on*` handlers and `style` are refused, links must be same-origin paths. */
  attrs?: Record<string, string>;
}

const URL_ATTRIBUTES = new Set(["href", "src", "action", "formaction"]);

/** Sets an attribute unless it could run code or leave the site. */
export function setSafeAttribute(node: Element, name: string, value: string): void {
  const lower = name.toLowerCase();
  if (lower.startsWith("on") || lower === "style" || lower === "srcdoc") {
    throw new Error(`refusing attribute ${name}`);
  }
  if (URL_ATTRIBUTES.has(lower) && !/^(\/(?!\/)|#|\?)/.test(value)) {
    throw new Error(`refusing ${name} outside this site`);
  }
  node.setAttribute(name, value);
}

/** `el("p", { class: "x" }, "text", el("strong", {}, name))`. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  if (props.id) node.id = props.id;
  if (props.hidden) node.hidden = true;
  for (const [name, value] of Object.entries(props.attrs ?? {})) setSafeAttribute(node, name, value);
  append(node, ...children);
  return node;
}

/** Appends children; strings and numbers become text nodes. */
export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(
      typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child,
    );
  }
}

/** Replaces a node's children. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** The element with `id`, or an error naming it (a page and its script out of step). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} missing from the page`);
  return node as T;
}

/** A `<time>` element showing `text` for the machine-readable `iso`. */
export function timeEl(iso: string, text: string): HTMLTimeElement {
  return el("time", { attrs: { datetime: iso } }, text);
}

/** A table with a header row; cells are children (text or nodes). */
export function table(caption: string, headers: string[], rows: Child[][]): HTMLElement {
  const head = el("tr", {}, ...headers.map((h) => el("th", { attrs: { scope: "col" } }, h)));
  const body = rows.map((cells) => el("tr", {}, ...cells.map((cell) => el("td", {}, cell))));
  return el(
    "div",
    { class: "table-wrap", attrs: { role: "region", "aria-label": caption, tabindex: "0" } },
    el(
      "table",
      {},
      el("caption", { class: "visually-hidden" }, caption),
      el("thead", {}, head),
      el("tbody", {}, ...body),
    ),
  );
}

/** Shows a message in a live region; `kind` styles it. */
export function say(region: Element, message: string | Node, kind: "info" | "ok" | "error" = "info"): void {
  region.className = `result ${kind}`;
  replace(region, typeof message === "string" ? el("p", {}, message) : message);
}
