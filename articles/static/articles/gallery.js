/*
 * The gallery viewer. Without this script a gallery is every picture in
 * order; with it, each picture opens a viewer (a modal <dialog>) that the
 * arrow keys move through, Escape closes, and that says "3 of 12" to screen
 * readers. Closing returns focus to the picture that opened it. Motion is
 * left out when the reader asks for reduced motion.
 *
 * It costs the page's first paint nothing: it starts once the page has
 * loaded, lays a button over each picture (the pictures themselves stay
 * where they are, so none is fetched, decoded or painted again) and makes
 * the viewer only when a reader first opens it.
 */
(function () {
  "use strict";

  var reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

  function button(className, label, text) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = className;
    element.setAttribute("aria-label", label);
    element.textContent = text || "";
    return element;
  }

  // The viewer of one gallery's figures: a modal <dialog> added to it.
  function Viewer(gallery, figures) {
    var dialog = document.createElement("dialog");
    dialog.className = "gallery-viewer";
    dialog.setAttribute("aria-label", gallery.getAttribute("aria-label"));
    var stage = document.createElement("div");
    stage.className = "gallery-viewer__stage";
    var status = document.createElement("p");
    status.className = "gallery-viewer__status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    var previous = button("gallery-viewer__button", "Previous picture", "←");
    var next = button("gallery-viewer__button", "Next picture", "→");
    var close = button("gallery-viewer__button", "Close the gallery", "×");
    var controls = document.createElement("div");
    controls.className = "gallery-viewer__controls";
    controls.append(previous, status, next, close);
    dialog.append(close, stage, controls);
    gallery.append(dialog);

    var shown = 0;
    var opener = null;

    function show(index) {
      shown = (index + figures.length) % figures.length;
      var copy = figures[shown].cloneNode(true);
      copy.querySelectorAll("img").forEach(function (img) {
        img.loading = "eager";
      });
      copy.querySelectorAll(".gallery__open").forEach(function (open) {
        open.remove();
      });
      if (!reducedMotion.matches) {
        copy.classList.add("gallery-viewer__picture--enter");
      }
      stage.replaceChildren(copy);
      status.textContent = shown + 1 + " of " + figures.length;
    }

    previous.addEventListener("click", function () {
      show(shown - 1);
    });
    next.addEventListener("click", function () {
      show(shown + 1);
    });
    close.addEventListener("click", function () {
      dialog.close();
    });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "ArrowRight") {
        event.preventDefault();
        show(shown + 1);
      } else if (event.key === "ArrowLeft") {
        event.preventDefault();
        show(shown - 1);
      }
    });
    // Escape closes a modal dialog by itself; any way out returns focus.
    dialog.addEventListener("close", function () {
      stage.replaceChildren();
      if (opener) {
        opener.focus();
      }
    });

    this.open = function (index, from) {
      opener = from;
      show(index);
      dialog.showModal();
      close.focus();
    };
  }

  function setUp(gallery) {
    var figures = Array.prototype.slice.call(
      gallery.querySelectorAll(".gallery__item > figure")
    );
    var viewer = null;
    figures.forEach(function (figure, index) {
      if (!figure.querySelector("picture")) {
        return;
      }
      var open = button(
        "gallery__open",
        "Open picture " + (index + 1) + " of " + figures.length + " in the viewer"
      );
      open.addEventListener("click", function () {
        viewer = viewer || new Viewer(gallery, figures);
        viewer.open(index, open);
      });
      figure.prepend(open);
    });
  }

  function start() {
    document.querySelectorAll("[data-gallery]").forEach(setUp);
  }

  if (document.readyState === "complete") {
    start();
  } else {
    window.addEventListener("load", start);
  }
})();
