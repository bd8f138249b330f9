// The body elements (docs/body-elements.md) inside the body editor.
//
// The editor parses the stored HTML into its schema and drops whatever the
// schema does not know, so without this extension opening and saving an
// article would lose its pictures, galleries, embeds, quotes, fact boxes,
// cards, tables and update notes. BodyElement is one atom block node for all
// of them: it keeps the element's HTML exactly as it was parsed, writes it
// back unchanged, and shows it in the editor as a card that can be selected,
// moved and deleted like a paragraph. The server's sanitizer
// (articles/body.py) still decides what may be stored.
import { Node } from "django-prose-editor/editor";

// Every element of the format. Listed before the Blockquote extension's own
// rule (higher priority), so a pull quote is not read as a quotation.
const SELECTORS = [
  "figure[data-element]",
  "aside[data-element]",
  'blockquote[data-element="pull-quote"]',
  "table",
];

function elementFrom(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  return template.content.firstElementChild;
}

function shorten(text, most = 60) {
  const words = (text || "").replace(/\s+/g, " ").trim();
  return words.length > most ? words.slice(0, most - 1) + "…" : words;
}

function textOf(element, selector) {
  const found = element.querySelector(selector);
  return found ? shorten(found.textContent) : "";
}

function joined(...parts) {
  return parts.filter(Boolean).join(" · ");
}

// What the card says: enough to recognise the element without opening it.
export function describe(element) {
  const kind = element.dataset.element;
  if (kind === "picture") {
    return joined(
      `Picture ${element.dataset.image || "?"}`,
      element.dataset.placement || "column",
      textOf(element, ":scope > figcaption"),
    );
  }
  if (kind === "gallery") {
    const count = element.querySelectorAll(
      ':scope > figure[data-element="picture"]',
    ).length;
    return `Gallery · ${count} ${count === 1 ? "picture" : "pictures"}`;
  }
  if (kind === "embed") {
    return `Embed ${element.dataset.url || ""}`;
  }
  if (kind === "pull-quote") {
    return joined(`Pull quote: “${textOf(element, "p")}”`, textOf(element, "cite"));
  }
  if (kind === "fact-box") {
    return `Fact box: ${textOf(element, "h2, h3, h4") || "untitled"}`;
  }
  if (kind === "read-more") {
    return `Read more: article ${element.dataset.article || "?"}`;
  }
  if (kind === "update") {
    const at = (element.dataset.at || "").replace("T", " ");
    return `Update, ${at}: ${textOf(element, "p")}`;
  }
  if (element.tagName === "TABLE") {
    const rows = element.querySelectorAll("tr").length;
    return joined(`Table: ${textOf(element, "caption") || "untitled"}`, `${rows} rows`);
  }
  return "Body element";
}

export const BodyElement = Node.create({
  name: "bodyElement",
  group: "block",
  atom: true,
  selectable: true,
  draggable: true,

  addAttributes() {
    return {
      html: {
        default: "",
        parseHTML: (element) => element.outerHTML,
        renderHTML: () => ({}),
      },
    };
  },

  parseHTML() {
    return SELECTORS.map((tag) => ({ tag, priority: 100 }));
  },

  renderHTML({ node }) {
    // A fresh DOM node each time: the serializer moves what it is given.
    return elementFrom(node.attrs.html);
  },

  addNodeView() {
    return ({ node }) => {
      const dom = document.createElement("div");
      const element = elementFrom(node.attrs.html) || document.createElement("div");
      dom.className = "body-element-card";
      dom.dataset.kind = element.dataset.element || element.tagName.toLowerCase();
      dom.textContent = describe(element);
      return { dom };
    };
  },
});
