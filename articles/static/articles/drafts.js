// Drafts of the article form, saved to the server while the editor types:
// 15 seconds after the first keystroke not yet saved, and when the page is
// hidden or goes away (navigator.sendBeacon). The server offers a draft
// back when the form is opened again (articles/admin/drafts.py). Ctrl+S
// (Cmd+S on a Mac) saves the article and continues editing.
"use strict";

(function () {
  const INTERVAL = 15000;
  const FIELDS = ["title", "standfirst", "body"];

  function start() {
    const marker = document.querySelector("[data-draft-save-url]");
    const form = document.getElementById("article_form");
    if (!marker || !form) {
      return;
    }
    const url = marker.dataset.draftSaveUrl;
    let dirty = false;
    let timer = null;
    let submitting = false;

    function payload() {
      const fields = {};
      FIELDS.forEach((name) => {
        const field = form.elements.namedItem(name);
        if (field) {
          fields[name] = field.value;
        }
      });
      const data = new URLSearchParams();
      data.set("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
      data.set("fields", JSON.stringify(fields));
      return data;
    }

    function save(leaving) {
      window.clearTimeout(timer);
      timer = null;
      if (!dirty || submitting) {
        return;
      }
      dirty = false;
      const data = payload();
      if (leaving && navigator.sendBeacon) {
        navigator.sendBeacon(url, data);
        return;
      }
      fetch(url, { method: "POST", body: data, credentials: "same-origin" })
        .then((response) => {
          if (!response.ok) {
            dirty = true;
          }
        })
        .catch(() => {
          dirty = true;
        });
    }

    function changed() {
      dirty = true;
      if (timer === null) {
        timer = window.setTimeout(() => save(false), INTERVAL);
      }
    }

    // The body editor keeps its textarea up to date and its typing bubbles
    // as input events; keyup catches what an editor changes without one.
    form.addEventListener("input", changed);
    form.addEventListener("keyup", (event) => {
      if (event.target.isContentEditable) {
        changed();
      }
    });
    form.addEventListener("submit", () => {
      submitting = true;
    });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") {
        save(true);
      }
    });
    window.addEventListener("pagehide", () => save(true));

    document.addEventListener("keydown", (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
        event.preventDefault();
        const button = form.querySelector('input[name="_continue"]');
        if (button) {
          form.requestSubmit(button);
        }
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
