/*
 * The gallery viewer. Without this script a gallery is every picture in
 * order; with it, each picture opens a viewer (a modal <dialog>) that the
 * arrow keys move through, Escape closes, and that says "3 of 12" to screen
 * readers. Closing returns focus to the picture that opened it. Motion is
 * left out when the reader asks for reduced motion.
 */
(function () {
  "use strict";

  var reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

  function button(label, text) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "gallery-viewer__button";
    element.setAttribute("aria-label", label);
    element.textContent = text;
    return element;
  }

  function setUp(gallery) {
    var figures = Array.prototype.slice.call(
      gallery.querySelectorAll(".gallery__item > figure")
    );
    if (!figures.length) {
      return;
    }
    var dialog = document.createElement("dialog");
    dialog.className = "gallery-viewer";
    dialog.setAttribute("aria-label", gallery.getAttribute("aria-label"));
    var stage = document.createElement("div");
    stage.className = "gallery-viewer__stage";
    var status = document.createElement("p");
    status.className = "gallery-viewer__status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    var previous = button("Previous picture", "←");
    var next = button("Next picture", "→");
    var close = button("Close the gallery", "×");
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
        open.replaceWith.apply(open, Array.prototype.slice.call(open.childNodes));
      });
      if (!reducedMotion.matches) {
        copy.classList.add("gallery-viewer__picture--enter");
      }
      stage.replaceChildren(copy);
      status.textContent = shown + 1 + " of " + figures.length;
    }

    figures.forEach(function (figure, index) {
      var picture = figure.querySelector("picture");
      if (!picture) {
        return;
      }
      var open = document.createElement("button");
      open.type = "button";
      open.className = "gallery__open";
      open.setAttribute(
        "aria-label",
        "Open picture " + (index + 1) + " of " + figures.length + " in the viewer"
      );
      picture.replaceWith(open);
      open.append(picture);
      open.addEventListener("click", function () {
        opener = open;
        show(index);
        dialog.showModal();
        close.focus();
      });
    });

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
  }

  document.querySelectorAll("[data-gallery]").forEach(setUp);
})();
