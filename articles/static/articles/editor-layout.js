// The article form at 1280 pixels and more: the side column's groups,
// collapsible below that width, start open (admin.css lays out the columns).
// And the inputs scripts make (the body editor, the admin's autocomplete
// boxes), there and on the live posting page, get the name of the field they
// stand for, as screen readers need.
"use strict";

(function () {
  function labelOf(field) {
    if (!field) {
      return "";
    }
    const label = field.id && document.querySelector(`label[for="${field.id}"]`);
    const text = label ? label.textContent : field.getAttribute("aria-label");
    return (text || "").replace(/:\s*$/, "").trim();
  }

  function nameScriptInputs(root) {
    root.querySelectorAll(".prose-editor [contenteditable]").forEach((editor) => {
      const textarea = editor.closest(".prose-editor").querySelector("textarea");
      if (!editor.hasAttribute("aria-label") && labelOf(textarea)) {
        editor.setAttribute("aria-label", labelOf(textarea));
      }
    });
    root.querySelectorAll("select.admin-autocomplete").forEach((select) => {
      const box = select.parentElement.querySelector(
        ".select2-selection[role=combobox]"
      );
      if (box && !box.hasAttribute("aria-label") && labelOf(select)) {
        box.setAttribute("aria-label", labelOf(select));
        const shown = box.querySelector(".select2-selection__rendered");
        if (shown) {
          shown.removeAttribute("role");
          shown.removeAttribute("aria-readonly");
        }
      }
    });
  }

  function start() {
    const form = document.getElementById("article_form");
    if (form && window.matchMedia("(min-width: 1280px)").matches) {
      form.querySelectorAll(".article-side details").forEach((details) => {
        details.open = true;
      });
    }
    // The article form's inputs, and the live posting page's entry form.
    const content = document.getElementById("content-main");
    if (!content) {
      return;
    }
    nameScriptInputs(content);
    // The body editor and the autocomplete boxes start after this script,
    // and byline rows are added later.
    new MutationObserver(() => nameScriptInputs(content)).observe(content, {
      childList: true,
      subtree: true,
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
