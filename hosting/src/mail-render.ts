// Renders an email's HTML as the recipient would see it, safely, on a page whose CSP allows no
// inline script or style: the HTML is parsed inert (DOMParser runs nothing), and only an allowlist
// of elements is rebuilt — new elements made here, never the parsed nodes — with text as text,
// links only to http(s) and mailto, no images or forms, and each `style` attribute applied
// declaration by declaration through the CSSOM (which the CSP allows, unlike style attributes),
// limited to presentational properties. The result goes into a shadow root, so the mail's styles
// and the page's stay apart.

const ELEMENTS = new Set([
  "a",
  "b",
  "blockquote",
  "br",
  "caption",
  "code",
  "dd",
  "div",
  "dl",
  "dt",
  "em",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "hr",
  "i",
  "li",
  "ol",
  "p",
  "pre",
  "s",
  "small",
  "span",
  "strong",
  "sub",
  "sup",
  "table",
  "tbody",
  "td",
  "tfoot",
  "th",
  "thead",
  "tr",
  "u",
  "ul",
]);
/** Dropped with everything inside them. */
const DROPPED = new Set([
  "script",
  "style",
  "template",
  "iframe",
  "object",
  "embed",
  "svg",
  "math",
  "noscript",
  "title",
  "head",
]);
const STYLE_PROPERTIES = new Set([
  "color",
  "background-color",
  "font-family",
  "font-size",
  "font-weight",
  "font-style",
  "text-align",
  "text-decoration",
  "line-height",
  "margin",
  "margin-top",
  "margin-bottom",
  "margin-left",
  "margin-right",
  "padding",
  "padding-top",
  "padding-bottom",
  "padding-left",
  "padding-right",
  "max-width",
  "width",
  "border",
  "border-collapse",
  "border-bottom",
  "border-top",
]);

/**
 * Style attributes are renamed before parsing: even an inert parse applies the page's CSP to them
 * and reports each as a violation. The renamed attribute is read by the rebuild, filtered as
 * below; a rename missed (a tag the pattern does not see) is only blocked by the CSP.
 */
const STYLE_ATTRIBUTE = "data-mail-style";

export function renameStyleAttributes(html: string): string {
  return html.replace(/<[^>]+>/g, (tag) => tag.replace(/(\s)style(\s*=)/gi, `$1${STYLE_ATTRIBUTE}$2`));
}

/** http(s) and mailto only; anything else (javascript:, data:) is no link. */
export function safeHref(href: string): string | null {
  const trimmed = href.trim();
  return /^(https?:|mailto:)/i.test(trimmed) ? trimmed : null;
}

/** The declarations of a style attribute that the renderer applies: presentational ones, no url(). */
export function safeDeclarations(style: string): [string, string][] {
  return style
    .split(";")
    .map((part): [string, string] => {
      const at = part.indexOf(":");
      return at === -1 ? ["", ""] : [part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim()];
    })
    .filter(
      ([name, value]) => STYLE_PROPERTIES.has(name) && value !== "" && !/url\(|expression|@import|\\/i.test(value),
    );
}

function rebuild(source: Node, into: Node, doc: Document, depth: number): void {
  if (depth > 40) return;
  for (const child of Array.from(source.childNodes)) {
    if (child.nodeType === Node.TEXT_NODE) {
      into.appendChild(doc.createTextNode(child.textContent ?? ""));
      continue;
    }
    if (!(child instanceof Element)) continue;
    const tag = child.localName;
    if (DROPPED.has(tag)) continue;
    if (!ELEMENTS.has(tag)) {
      // Unknown wrappers (html, body, font, center...) keep their content.
      rebuild(child, into, doc, depth + 1);
      continue;
    }
    const copy = doc.createElement(tag);
    if (tag === "a") {
      const href = safeHref(child.getAttribute("href") ?? "");
      if (href) {
        copy.setAttribute("href", href);
        copy.setAttribute("target", "_blank");
        copy.setAttribute("rel", "noopener noreferrer");
      }
    }
    for (const name of ["colspan", "rowspan"]) {
      const value = child.getAttribute(name);
      if (value && /^\d{1,2}$/.test(value)) copy.setAttribute(name, value);
    }
    for (const [name, value] of safeDeclarations(child.getAttribute(STYLE_ATTRIBUTE) ?? "")) {
      copy.style.setProperty(name, value);
    }
    into.appendChild(copy);
    rebuild(child, copy, doc, depth + 1);
  }
}

/** Replaces what `host` shows with the mail's HTML, rendered safely in its shadow root. */
export function renderMailHtml(host: HTMLElement, html: string): void {
  const parsed = new DOMParser().parseFromString(renameStyleAttributes(html), "text/html");
  const root = host.shadowRoot ?? host.attachShadow({ mode: "open" });
  root.replaceChildren();
  const body = document.createElement("div");
  body.setAttribute("part", "mail");
  body.style.setProperty("overflow-wrap", "anywhere");
  rebuild(parsed.body, body, document, 0);
  root.appendChild(body);
}
