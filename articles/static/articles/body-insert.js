// The body editor's Insert menu: one toolbar button opening a menu of the
// body elements (docs/body-elements.md), each added at the cursor through a
// small dialog that writes the element's stored HTML exactly and inserts it
// as a BodyElement node (body-elements.js). The cursor lands after what was
// inserted, so elements inserted one after another keep their order.
//
// The dialogs ask the server (articles/admin/insert.py) for the picture
// library, our articles and the embed providers; BODY_EDITOR_EXTENSIONS
// (articles/body.py) passes their addresses as this extension's options.
// The server's sanitizer still decides what may be stored.
//
// A selected element is edited again through the same dialog, filled in
// from its HTML ("Edit element", beside Insert, works while one is selected).
import { Extension, crel, pm } from "django-prose-editor/editor";

let counter = 0;
const nextId = (what) => `body-insert-${what}-${++counter}`;

function h(tag, attrs = {}, children = []) {
  return crel(tag, attrs, children);
}

// The element's HTML, as the sanitizer would write it back.
function html(element) {
  return element.outerHTML;
}

function lines(text) {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
}

function paragraphs(text) {
  return lines(text).map((line) => h("p", { textContent: line }));
}

// Insert `node` at the top level of the document, at the cursor: an empty
// paragraph is replaced, a paragraph the cursor is in the middle of is split,
// a selected element is followed; then the cursor goes after the element.
function insertNode(editor, node, replacing = null) {
  const { state, view } = editor;
  const tr = state.tr;
  const { selection } = state;
  const { $from } = selection;
  let at;
  if (replacing !== null) {
    at = replacing;
    tr.replaceWith(at, at + state.doc.nodeAt(at).nodeSize, node);
  } else if ($from.depth === 0) {
    // A gap cursor or a selected element: after it.
    at = selection.to;
    tr.insert(at, node);
  } else {
    const block = $from.node(1);
    const top = $from.before(1);
    if ($from.depth === 1 && block.isTextblock && block.content.size === 0) {
      at = top;
      tr.replaceWith(at, top + block.nodeSize, node);
    } else if ($from.depth === 1 && block.isTextblock && $from.parentOffset === 0) {
      at = top;
      tr.insert(at, node);
    } else if (
      $from.depth === 1 &&
      block.isTextblock &&
      selection.empty &&
      $from.parentOffset < block.content.size
    ) {
      tr.split($from.pos);
      at = $from.pos + 1;
      tr.insert(at, node);
    } else {
      at = top + block.nodeSize;
      tr.insert(at, node);
    }
  }
  const after = at + node.nodeSize;
  const next = tr.doc.resolve(after).nodeAfter;
  if (replacing !== null) {
    // An element edited stays selected.
    tr.setSelection(pm.state.NodeSelection.create(tr.doc, at));
  } else {
    tr.setSelection(
      next && next.isTextblock
        ? pm.state.TextSelection.create(tr.doc, after + 1)
        : pm.state.Selection.fromJSON(tr.doc, { type: "gapcursor", pos: after }),
    );
  }
  view.dispatch(tr.scrollIntoView());
}

function insertElement(editor, element, replacing = null) {
  const type = editor.schema.nodes.bodyElement;
  insertNode(editor, type.create({ html: html(element) }), replacing);
}

function csrfToken(editor) {
  const form = editor.view.dom.closest("form");
  const field = form?.elements.namedItem("csrfmiddlewaretoken") ||
    document.querySelector("[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

class Refusal extends Error {
  constructor(message, field = null) {
    super(message);
    this.field = field;
  }
}

async function getJSON(url, params) {
  const address = new URL(url, window.location.href);
  for (const [name, value] of Object.entries(params)) {
    address.searchParams.set(name, value);
  }
  const response = await fetch(address, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  if (!response.ok) {
    throw new Refusal(`The server answered ${response.status}; try again.`);
  }
  return response.json();
}

// A modal dialog with a form: labelled fields, an error line, Insert and
// Cancel. Escape or Cancel closes it and puts the focus back in the editor;
// Enter submits. `submit(ui)` returns the element to insert (or to put in
// place of `current`, the element edited) or throws a Refusal, shown in the
// dialog with everything typed kept.
function openDialog(editor, { title, build, submit, current = null }) {
  const id = nextId("dialog");
  const error = h("p", { className: "body-insert-dialog__error", id: `${id}-error` });
  error.hidden = true;
  const fields = h("div", { className: "body-insert-dialog__fields" });
  const insert = h("button", {
    type: "submit",
    className: "default",
    textContent: current ? "Update" : "Insert",
  });
  const cancel = h("button", { type: "button", textContent: "Cancel" });
  const form = h("form", { className: "body-insert-dialog__form" }, [
    h("h2", {
      id: `${id}-title`,
      textContent: current ? title.replace(/^Insert an? /, "Edit the ") : title,
    }),
    h("div", { role: "alert" }, [error]),
    fields,
    h("div", { className: "body-insert-dialog__actions" }, [insert, cancel]),
  ]);
  form.noValidate = true;
  const dialog = h("dialog", {
    className: "body-insert-dialog",
    "aria-labelledby": `${id}-title`,
  }, [form]);

  const ui = {
    dialog,
    form,
    fields,
    editor,
    // A labelled field: `control` is an input, select or textarea.
    field(label, control, help = "") {
      control.id ||= nextId("field");
      const wrapper = h("div", { className: "body-insert-dialog__field" }, [
        h("label", { htmlFor: control.id, textContent: label }),
        control,
      ]);
      if (help) {
        const helpId = `${control.id}-help`;
        wrapper.append(h("p", { className: "help", id: helpId, textContent: help }));
        control.setAttribute("aria-describedby", helpId);
      }
      return wrapper;
    },
    fail(message, field = null) {
      throw new Refusal(message, field);
    },
  };
  build(ui);

  let busy = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) {
      return;
    }
    busy = true;
    insert.setAttribute("aria-disabled", "true");
    error.hidden = true;
    form.querySelectorAll("[aria-invalid]").forEach((control) => {
      control.removeAttribute("aria-invalid");
    });
    try {
      const element = await submit(ui);
      dialog.close("inserted");
      insertElement(editor, element, current ? current.pos : null);
    } catch (refusal) {
      error.textContent = refusal.message;
      error.hidden = false;
      const field = refusal.field;
      if (field) {
        field.setAttribute("aria-invalid", "true");
        field.setAttribute("aria-errormessage", error.id);
        field.focus();
      }
    } finally {
      busy = false;
      insert.removeAttribute("aria-disabled");
    }
  });
  cancel.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => {
    dialog.remove();
    editor.view.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  return ui;
}

function textInput(attrs = {}) {
  return h("input", { type: "text", ...attrs });
}

function textArea(attrs = {}) {
  return h("textarea", { rows: 3, ...attrs });
}

function required(value, message, field) {
  if (!value.trim()) {
    throw new Refusal(message, field);
  }
  return value.trim();
}

// Radio buttons in a fieldset, one for each of [{value, label}], the one of
// value `checked` checked.
function choices(name, legend, options, checked) {
  const group = nextId(name);
  return h("fieldset", { className: "body-insert-dialog__choices" }, [
    h("legend", { textContent: legend }),
    ...options.map(({ value, label }) => {
      const input = h("input", { type: "radio", name: group, value });
      input.checked = value === checked;
      return h("label", {}, [input, ` ${label}`]);
    }),
  ]);
}

function chosen(fieldset) {
  const input = fieldset.querySelector("input:checked");
  return input ? input.value : "";
}

// A search box and its results, asked of `url` as the editor types (the
// first page at once, for an empty search). `show(result)` makes one
// result's control; "More results" asks for the next page.
function searchBox(ui, { url, label, help, show, empty }) {
  const input = h("input", { type: "search", autocomplete: "off" });
  const status = h("p", {
    className: "body-insert-dialog__status",
    "aria-live": "polite",
  });
  const list = h("div", { className: "body-insert-results" });
  const more = h("button", { type: "button", textContent: "More results" });
  more.hidden = true;
  let asked = 0;
  let nextPage = null;

  async function search(page) {
    const question = ++asked;
    status.textContent = "Searching…";
    let answer;
    try {
      answer = await getJSON(url, { q: input.value.trim(), page });
    } catch (refusal) {
      status.textContent = refusal.message;
      return;
    }
    if (question !== asked) {
      return;
    }
    if (page === 1) {
      list.replaceChildren();
    }
    list.append(...answer.results.map(show));
    nextPage = answer.next_page;
    more.hidden = !nextPage;
    const count = list.children.length;
    status.textContent = count
      ? `${count}${nextPage ? "+" : ""} found.`
      : empty;
  }

  let timer = null;
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => search(1), 250);
  });
  more.addEventListener("click", () => search(nextPage));
  ui.fields.append(ui.field(label, input, help), status, list, more);
  search(1);
  return { input, list };
}

function thumbnail(picture) {
  if (!picture.thumbnail) {
    return h("span", {
      className: "body-insert-thumbnail",
      textContent: `Picture ${picture.id}`,
    });
  }
  return h("img", {
    alt: "",
    loading: "lazy",
    src: picture.thumbnail.url,
    width: picture.thumbnail.width,
    height: picture.thumbnail.height,
  });
}

// What an element being edited holds, read back from its HTML.
const textOf = (element, selector) =>
  element.querySelector(selector)?.textContent ?? "";
const linesOf = (element, selector) =>
  [...element.querySelectorAll(selector)].map((node) => node.textContent).join("\n");

function pictureWords(picture) {
  return [picture.alt_text, picture.credit].filter(Boolean).join(" · ");
}

function pictureElement(id, placement, caption) {
  const figure = h("figure", {
    "data-element": "picture",
    "data-image": String(id),
  });
  if (placement) {
    figure.setAttribute("data-placement", placement);
  }
  if (caption.trim()) {
    figure.append(h("figcaption", { textContent: caption.trim() }));
  }
  return figure;
}

// Upload the picture chosen in `upload` to the library; its id, or a Refusal
// with the server's reasons.
async function uploadPicture(ui, options, upload) {
  const data = new FormData();
  data.set("file", upload.file());
  data.set("alt_text", upload.altText.value);
  data.set("caption", upload.caption.value);
  data.set("credit", upload.credit.value);
  data.set("tags", upload.tags.value);
  data.set("csrfmiddlewaretoken", csrfToken(ui.editor));
  upload.status.textContent = "Uploading…";
  let response;
  try {
    response = await fetch(options.pictureUpload, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
  } catch {
    upload.status.textContent = "";
    throw new Refusal("The upload failed: check the connection and try again.");
  }
  upload.status.textContent = "";
  const answer = await response.json().catch(() => ({}));
  if (response.status === 201) {
    return answer;
  }
  const errors = answer.errors || {};
  const fieldFor = {
    file: upload.fileInput,
    alt_text: upload.altText,
    caption: upload.caption,
    credit: upload.credit,
    tags: upload.tags,
  };
  const labels = {
    file: "Picture",
    alt_text: "Alt text",
    caption: "Caption",
    credit: "Credit",
    tags: "Tags",
  };
  const messages = Object.entries(errors).map(([name, list]) =>
    name in labels ? `${labels[name]}: ${list.join(" ")}` : list.join(" "),
  );
  const first = Object.keys(errors).find((name) => name in fieldFor);
  throw new Refusal(
    messages.join(" ") || `The upload failed (${response.status}).`,
    first ? fieldFor[first] : null,
  );
}

function uploadFields(ui, caption) {
  const fileInput = h("input", { type: "file", accept: "image/*" });
  const camera = h("input", { type: "file", accept: "image/*" });
  camera.setAttribute("capture", "environment");
  const altText = textArea({ rows: 2 });
  const credit = textInput();
  const tags = textInput();
  const status = h("p", { className: "body-insert-dialog__status", "aria-live": "polite" });
  const upload = {
    fileInput,
    camera,
    altText,
    credit,
    tags,
    caption,
    status,
    file: () => camera.files[0] || fileInput.files[0] || null,
  };
  // One file at a time: choosing in one input empties the other.
  fileInput.addEventListener("change", () => {
    camera.value = "";
  });
  camera.addEventListener("change", () => {
    fileInput.value = "";
  });
  ui.fields.append(
    h("fieldset", { className: "body-insert-dialog__upload" }, [
      h("legend", { textContent: "Or upload a new picture to the library" }),
      ui.field("Picture file", fileInput, "JPEG, PNG, WebP or GIF."),
      ui.field("Take a photo", camera, "On a phone: opens the camera."),
      ui.field(
        "Alt text",
        altText,
        "What the picture shows, for readers who cannot see it.",
      ),
      ui.field("Credit", credit, "Photographer or agency."),
      ui.field("Tags", tags, "Words to find it by later, comma-separated."),
      status,
    ]),
  );
  return upload;
}

const PLACEMENTS = [
  { value: "column", label: "In the column" },
  { value: "wide", label: "Wide" },
  { value: "full", label: "Full width" },
];

function pictureDialog(editor, options, current = null) {
  let caption;
  let placement;
  let results;
  let upload;
  // Editing: the picture stays unless another is chosen; so does the caption.
  const kept = current?.element.dataset.image || "";
  // The picture chosen, kept while the results change under it.
  let picked = "";
  const pickedLine = h("p", { className: "body-insert-dialog__status", "aria-live": "polite" });
  let captionEdited = Boolean(current);
  openDialog(editor, {
    title: "Insert a picture",
    current,
    build(ui) {
      const group = nextId("picture");
      results = searchBox(ui, {
        url: options.pictureSearch,
        label: "Search the picture library",
        help: "By caption, credit, alt text or tag.",
        empty: "No picture in the library matches.",
        show(picture) {
          const input = h("input", { type: "radio", name: group, value: picture.id });
          input.checked = String(picture.id) === picked;
          input.addEventListener("change", () => {
            picked = String(picture.id);
            pickedLine.textContent = `Chosen: ${pictureWords(picture)}.`;
            if (!captionEdited) {
              caption.value = picture.caption;
            }
          });
          return h("label", { className: "body-insert-picture" }, [
            input,
            thumbnail(picture),
            h("span", { textContent: pictureWords(picture) }),
          ]);
        },
      });
      results.list.setAttribute("role", "radiogroup");
      results.list.setAttribute("aria-label", "Pictures found");
      results.list.after(pickedLine);
      if (kept) {
        ui.fields.append(
          h("p", { textContent: `Now picture ${kept}: choose another to replace it.` }),
        );
      }
      caption = textArea({
        rows: 2,
        value: current ? textOf(current.element, "figcaption") : "",
      });
      caption.addEventListener("input", () => {
        captionEdited = true;
      });
      placement = choices(
        "placement",
        "Placement",
        PLACEMENTS,
        current?.element.dataset.placement || "column",
      );
      ui.fields.append(
        ui.field("Caption", caption, "As shown under the picture in this story."),
        placement,
      );
      upload = uploadFields(ui, caption);
    },
    async submit(ui) {
      let id = picked || kept;
      if (upload.file()) {
        required(upload.altText.value, "A new picture needs its alt text.", upload.altText);
        id = (await uploadPicture(ui, options, upload)).id;
      } else if (!id) {
        ui.fail(
          "Choose a picture from the library or upload one.",
          results.input,
        );
      }
      return pictureElement(id, chosen(placement), caption.value);
    },
  });
}

function galleryDialog(editor, options, current = null) {
  const most = options.galleryMaxPictures;
  let list;
  let results;
  function renumber() {
    [...list.children].forEach((item, index) => {
      const n = index + 1;
      item.querySelector("label").textContent = `Caption of picture ${n}`;
      item.querySelector("[data-move=up]").setAttribute("aria-label", `Move picture ${n} up`);
      item.querySelector("[data-move=down]").setAttribute("aria-label", `Move picture ${n} down`);
      item.querySelector("[data-move=remove]").setAttribute("aria-label", `Remove picture ${n}`);
    });
  }
  function add(ui, picture) {
    if (list.children.length >= most) {
      ui.showError(`A gallery holds at most ${most} pictures.`);
      return;
    }
    const captionInput = textInput({ value: picture.caption });
    captionInput.id = nextId("caption");
    const item = h("li", { className: "body-insert-chosen__item" }, [
      thumbnail(picture),
      h("div", { className: "body-insert-dialog__field" }, [
        h("label", { htmlFor: captionInput.id }),
        captionInput,
      ]),
      h("div", { className: "body-insert-chosen__buttons" }, [
        h("button", { type: "button", textContent: "↑", "data-move": "up" }),
        h("button", { type: "button", textContent: "↓", "data-move": "down" }),
        h("button", { type: "button", textContent: "Remove", "data-move": "remove" }),
      ]),
    ]);
    item.dataset.image = picture.id;
    list.append(item);
    renumber();
  }
  openDialog(editor, {
    title: "Insert a gallery",
    current,
    build(ui) {
      const error = ui.form.querySelector(".body-insert-dialog__error");
      ui.showError = (message) => {
        error.textContent = message;
        error.hidden = false;
      };
      results = searchBox(ui, {
        url: options.pictureSearch,
        label: "Search the picture library",
        help: "By caption, credit, alt text or tag. Add the pictures in the order wanted.",
        empty: "No picture in the library matches.",
        show(picture) {
          const button = h("button", {
            type: "button",
            className: "body-insert-picture",
            "aria-label": `Add: ${pictureWords(picture)}`,
          }, [thumbnail(picture), h("span", { textContent: pictureWords(picture) })]);
          button.addEventListener("click", () => add(ui, picture));
          return button;
        },
      });
      list = h("ol", { className: "body-insert-chosen", "aria-label": "The gallery's pictures, in order" });
      list.addEventListener("click", (event) => {
        const button = event.target.closest("[data-move]");
        if (!button) {
          return;
        }
        const item = button.closest("li");
        const move = button.dataset.move;
        if (move === "up" && item.previousElementSibling) {
          item.previousElementSibling.before(item);
        } else if (move === "down" && item.nextElementSibling) {
          item.nextElementSibling.after(item);
        } else if (move === "remove") {
          const neighbour = item.nextElementSibling || item.previousElementSibling;
          item.remove();
          renumber();
          (neighbour?.querySelector("[data-move=remove]") || results.input).focus();
          return;
        }
        renumber();
        button.focus();
      });
      ui.fields.append(h("h3", { textContent: "Pictures in the gallery" }), list);
      current?.element.querySelectorAll(":scope > figure").forEach((figure) => {
        const id = figure.dataset.image;
        add(ui, { id, caption: textOf(figure, "figcaption"), alt_text: `Picture ${id}` });
      });
    },
    submit(ui) {
      const items = [...list.children];
      if (items.length < 2) {
        ui.fail(
          "A gallery needs at least two pictures (insert a single one as a picture).",
          results.input,
        );
      }
      return h(
        "figure",
        { "data-element": "gallery" },
        items.map((item) =>
          pictureElement(item.dataset.image, null, item.querySelector("input").value),
        ),
      );
    },
  });
}

function embedDialog(editor, options, current = null) {
  let address;
  let status;
  // Which provider the address is from, said under the field.
  async function check() {
    const answer = await getJSON(options.embedCheck, { url: address.value.trim() });
    status.textContent = answer.provider ? `From ${answer.provider}.` : answer.error;
    if (answer.error) {
      throw new Refusal(answer.error, address);
    }
    return answer.provider;
  }
  openDialog(editor, {
    title: "Insert an embed",
    current,
    build(ui) {
      address = h("input", {
        type: "url",
        autocomplete: "off",
        value: current?.element.dataset.url ?? "",
      });
      status = h("p", { className: "body-insert-dialog__status", "aria-live": "polite" });
      address.addEventListener("change", () => check().catch(() => {}));
      ui.fields.append(
        ui.field(
          "Address",
          address,
          "Paste the address of the video, post, chart or map (https://…).",
        ),
        status,
      );
    },
    async submit() {
      required(address.value, "Paste the address to embed.", address);
      await check();
      return h("figure", { "data-element": "embed", "data-url": address.value.trim() });
    },
  });
}

function pullQuoteDialog(editor, options, current = null) {
  let words;
  let who;
  openDialog(editor, {
    title: "Insert a pull quote",
    current,
    build(ui) {
      words = textArea({ value: current ? linesOf(current.element, "p") : "" });
      who = textInput({ value: current ? textOf(current.element, "cite") : "" });
      ui.fields.append(
        ui.field("Words", words, "The words quoted, without quotation marks."),
        ui.field("Who said them", who),
      );
    },
    submit() {
      required(words.value, "Type the words quoted.", words);
      const quote = h("blockquote", { "data-element": "pull-quote" }, paragraphs(words.value));
      if (who.value.trim()) {
        quote.append(h("cite", { textContent: who.value.trim() }));
      }
      return quote;
    },
  });
}

function factBoxDialog(editor, options, current = null) {
  let title;
  let items;
  openDialog(editor, {
    title: "Insert a fact box",
    current,
    build(ui) {
      title = textInput({
        value: current ? textOf(current.element, "h2, h3, h4") : "Key points",
      });
      items = textArea({ rows: 5, value: current ? linesOf(current.element, "li") : "" });
      ui.fields.append(
        ui.field("Title", title),
        ui.field("Points", items, "One a line."),
      );
    },
    submit() {
      required(title.value, "Give the fact box a title.", title);
      const points = lines(items.value);
      if (!points.length) {
        throw new Refusal("Type at least one point.", items);
      }
      return h("aside", { "data-element": "fact-box" }, [
        h("h2", { textContent: title.value.trim() }),
        h(
          "ul",
          {},
          points.map((point) => h("li", {}, [h("p", { textContent: point })])),
        ),
      ]);
    },
  });
}

function readMoreDialog(editor, options, current = null) {
  let results;
  const kept = current?.element.dataset.article || "";
  let picked = "";
  openDialog(editor, {
    title: "Insert a “Read more” card",
    current,
    build(ui) {
      if (kept) {
        ui.fields.append(
          h("p", { textContent: `Now article ${kept}: choose another to replace it.` }),
        );
      }
      const group = nextId("article");
      results = searchBox(ui, {
        url: options.articleSearch,
        label: "Search our articles",
        help: "By words of the headline; live articles only.",
        empty: "No live article's headline matches.",
        show(article) {
          const input = h("input", { type: "radio", name: group, value: article.id });
          input.checked = String(article.id) === picked;
          input.addEventListener("change", () => {
            picked = String(article.id);
          });
          return h("label", { className: "body-insert-article" }, [
            input,
            h("span", { textContent: ` ${article.title}` }),
            h("small", { textContent: ` ${article.section} · ${article.published}` }),
          ]);
        },
      });
      results.list.setAttribute("role", "radiogroup");
      results.list.setAttribute("aria-label", "Articles found");
    },
    submit(ui) {
      const id = picked || kept;
      if (!id) {
        ui.fail("Choose the article to recommend.", results.input);
      }
      return h("aside", { "data-element": "read-more", "data-article": id });
    },
  });
}

function tableDialog(editor, options, current = null) {
  let caption;
  let header;
  let rows;
  let columns;
  let grid;
  function cellLabel(row, column) {
    return header.checked && row === 0
      ? `Heading of column ${column + 1}`
      : `Row ${row + 1}, column ${column + 1}`;
  }
  function layout(kept = null) {
    kept ||= [...grid.querySelectorAll("tr")].map((tr) =>
      [...tr.querySelectorAll("input")].map((input) => input.value),
    );
    const rowCount = Math.min(Math.max(Number(rows.value) || 1, 1), 50);
    const columnCount = Math.min(Math.max(Number(columns.value) || 1, 1), 10);
    grid.replaceChildren(
      ...Array.from({ length: rowCount }, (_, row) =>
        h(
          "tr",
          {},
          Array.from({ length: columnCount }, (_, column) => {
            const input = textInput({ value: kept[row]?.[column] ?? "" });
            input.setAttribute("aria-label", cellLabel(row, column));
            return h("td", {}, [input]);
          }),
        ),
      ),
    );
  }
  const cells = current
    ? [...current.element.querySelectorAll("tr")].map((tr) =>
        [...tr.children].map((cell) => cell.textContent),
      )
    : [];
  openDialog(editor, {
    title: "Insert a table",
    current,
    build(ui) {
      caption = textInput({ value: current ? textOf(current.element, "caption") : "" });
      header = h("input", { type: "checkbox", id: nextId("header") });
      header.checked = !current || Boolean(current.element.querySelector("thead"));
      rows = h("input", { type: "number", min: 1, max: 50, value: cells.length || 3 });
      columns = h("input", {
        type: "number",
        min: 1,
        max: 10,
        value: Math.max(0, ...cells.map((row) => row.length)) || 2,
      });
      grid = h("table", { className: "body-insert-grid" });
      rows.addEventListener("input", () => layout());
      columns.addEventListener("input", () => layout());
      header.addEventListener("change", () => layout());
      ui.fields.append(
        ui.field("Caption", caption, "What the table shows."),
        h("div", { className: "body-insert-dialog__check" }, [
          header,
          h("label", { htmlFor: header.id, textContent: " The first row holds the headings" }),
        ]),
        h("div", { className: "body-insert-dialog__row" }, [
          ui.field("Rows", rows),
          ui.field("Columns", columns),
        ]),
        h("div", { className: "body-insert-grid__scroll" }, [grid]),
      );
      layout(cells);
    },
    submit() {
      const values = [...grid.querySelectorAll("tr")].map((tr) =>
        [...tr.querySelectorAll("input")].map((input) => input.value.trim()),
      );
      const body = header.checked ? values.slice(1) : values;
      if (!values.flat().some(Boolean)) {
        throw new Refusal("Fill in the table.", grid.querySelector("input"));
      }
      if (!body.length) {
        throw new Refusal("Add a row below the headings.", rows);
      }
      const table = h("table");
      if (caption.value.trim()) {
        table.append(h("caption", { textContent: caption.value.trim() }));
      }
      const row = (cells, tag) =>
        h("tr", {}, cells.map((text) => h(tag, { textContent: text })));
      if (header.checked) {
        table.append(h("thead", {}, [row(values[0], "th")]));
      }
      table.append(h("tbody", {}, body.map((cells) => row(cells, "td"))));
      return table;
    },
  });
}

// Now, to the minute, in the newsroom's time zone: "2026-12-06T14:32".
function localNow(timeZone) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(new Date())
      .map(({ type, value }) => [type, value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

function updateDialog(editor, options, current = null) {
  let at;
  let text;
  openDialog(editor, {
    title: "Insert an update note",
    current,
    build(ui) {
      at = h("input", {
        type: "datetime-local",
        value: current?.element.dataset.at || localNow(options.timeZone),
      });
      text = textArea({ value: current ? linesOf(current.element, "p") : "" });
      ui.fields.append(
        ui.field("Time", at, `In the newsroom's time (${options.timeZone}).`),
        ui.field("What changed", text),
      );
    },
    submit() {
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(at.value)) {
        throw new Refusal("Give the day and time of the update.", at);
      }
      required(text.value, "Say what changed.", text);
      return h("aside", { "data-element": "update", "data-at": at.value }, paragraphs(text.value));
    },
  });
}

const ELEMENTS = [
  { name: "picture", label: "Picture", open: pictureDialog },
  { name: "gallery", label: "Gallery", open: galleryDialog },
  { name: "embed", label: "Embed", open: embedDialog },
  { name: "pull-quote", label: "Pull quote", open: pullQuoteDialog },
  { name: "fact-box", label: "Fact box", open: factBoxDialog },
  { name: "read-more", label: "“Read more” card", open: readMoreDialog },
  { name: "table", label: "Table", open: tableDialog },
  { name: "update", label: "Update note", open: updateDialog },
];

// The menu the Insert button opens: menu items moved through with the arrow
// keys, Home and End; Escape closes it and goes back to the button.
function insertMenu(editor, button, options) {
  const menu = h("div", {
    className: "body-insert-menu",
    role: "menu",
    id: nextId("menu"),
    "aria-label": "Insert",
  });
  menu.popover = "auto";
  const items = ELEMENTS.map(({ name, label, open }) => {
    const item = h("button", {
      type: "button",
      role: "menuitem",
      tabIndex: -1,
      textContent: label,
      "data-element": name,
    });
    item.addEventListener("click", () => {
      menu.hidePopover();
      open(editor, options);
    });
    return item;
  });
  menu.append(...items);
  menu.addEventListener("keydown", (event) => {
    const index = items.indexOf(document.activeElement);
    const moves = {
      ArrowDown: (index + 1) % items.length,
      ArrowUp: (index - 1 + items.length) % items.length,
      Home: 0,
      End: items.length - 1,
    };
    if (event.key in moves) {
      event.preventDefault();
      items[moves[event.key]].focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      menu.hidePopover();
      button.focus();
    } else if (event.key === "Tab") {
      menu.hidePopover();
    }
  });
  menu.addEventListener("toggle", (event) => {
    button.setAttribute("aria-expanded", String(event.newState === "open"));
  });
  button.setAttribute("aria-haspopup", "menu");
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", menu.id);
  button.after(menu);
  return {
    // Below the button, or above it when there is no room below; always
    // within the screen.
    open() {
      menu.showPopover();
      const rect = button.getBoundingClientRect();
      const size = menu.getBoundingClientRect();
      let top = rect.bottom + 2;
      if (top + size.height > window.innerHeight && rect.top > size.height + 2) {
        top = rect.top - size.height - 2;
      }
      top = Math.max(0, Math.min(top, window.innerHeight - size.height));
      const left = Math.max(0, Math.min(rect.left, window.innerWidth - size.width));
      menu.style.top = `${top}px`;
      menu.style.left = `${left}px`;
      items[0].focus();
    },
  };
}

// The body element selected in the editor, as {element, pos}, or null.
function selectedElement(editor) {
  const node = editor.state.selection.node;
  if (!node || node.type.name !== "bodyElement") {
    return null;
  }
  const template = document.createElement("template");
  template.innerHTML = node.attrs.html;
  const element = template.content.firstElementChild;
  const name = element?.tagName === "TABLE" ? "table" : element?.dataset.element;
  const kind = ELEMENTS.find((entry) => entry.name === name);
  return kind ? { element, pos: editor.state.selection.from, kind } : null;
}

export const BodyInsert = Extension.create({
  name: "bodyInsert",

  addOptions() {
    return {
      pictureSearch: "",
      pictureUpload: "",
      articleSearch: "",
      embedCheck: "",
      timeZone: "UTC",
      galleryMaxPictures: 200,
    };
  },

  addMenuItems({ menu }) {
    const button = h("button", {
      type: "button",
      className: "prose-menubar__button body-insert-button",
      textContent: "Insert",
    });
    let popup = null;
    menu.defineItem({
      name: "bodyInsert",
      groups: "insert",
      button,
      command: (editor) => {
        popup ||= insertMenu(editor, button, this.options);
        popup.open();
      },
      enabled: (editor) => editor.isEditable,
    });
    // Always there (the toolbar does not move), usable while an element is
    // selected.
    const edit = h("button", {
      type: "button",
      className: "prose-menubar__button body-insert-button",
      textContent: "Edit element",
    });
    // Pressing it leaves the focus, and so the element's selection, in the
    // editor.
    edit.addEventListener("mousedown", (event) => event.preventDefault());
    const editable = (editor) => editor.isEditable && selectedElement(editor);
    menu.defineItem({
      name: "bodyEdit",
      groups: "insert",
      priority: 90,
      button: edit,
      command: (editor) => {
        const current = selectedElement(editor);
        current.kind.open(editor, this.options, current);
      },
      enabled: (editor) => Boolean(editable(editor)),
      update: (editor) => {
        edit.setAttribute("aria-disabled", String(!editable(editor)));
      },
    });
  },
});
