// The body editor's word count, kept current while the editor types.
// The server renders the count as last saved in an element
// <span class="word-count" data-word-count-for="id_body">; this script
// recounts from the rich-text editor's visible text on every change.
"use strict";

(function () {
  function countWords(text) {
    const words = text.split(/\s+/).filter(Boolean);
    return words.length;
  }

  function label(count) {
    return count + (count === 1 ? " word" : " words");
  }

  function editorFor(textarea) {
    // django-prose-editor wraps the textarea in .prose-editor with a
    // contenteditable element once it has started.
    const wrapper = textarea.closest(".prose-editor");
    return wrapper && wrapper.querySelector("[contenteditable]");
  }

  function update(output) {
    const textarea = document.getElementById(output.dataset.wordCountFor);
    if (!textarea) {
      return;
    }
    const editor = editorFor(textarea);
    let text;
    if (editor) {
      text = editor.innerText;
    } else {
      const parsed = new DOMParser().parseFromString(textarea.value, "text/html");
      text = parsed.body.innerText || parsed.body.textContent;
    }
    output.textContent = label(countWords(text));
  }

  function start() {
    const outputs = document.querySelectorAll("[data-word-count-for]");
    if (!outputs.length) {
      return;
    }
    const refresh = () => outputs.forEach(update);
    // Typing in the editor fires input events that bubble to the document;
    // toolbar changes (a pasted paragraph, undo) do too.
    document.addEventListener("input", refresh);
    document.addEventListener("keyup", refresh);
    document.addEventListener("paste", () => window.setTimeout(refresh, 0));
    refresh();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
