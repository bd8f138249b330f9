/*
 * Embeds behind a facade (articles.elements.embed_html): shows
 * each facade's button, and only when a reader presses it puts the
 * provider's sandboxed iframe in place of our thumbnail. Until then the
 * page makes no request to the provider. No framework; loaded with defer.
 */
(function () {
  "use strict";

  function open(figure) {
    var src = figure.dataset.embedSrc;
    if (!src || src.indexOf("https://") !== 0) {
      return;
    }
    var iframe = document.createElement("iframe");
    iframe.className = "embed__iframe";
    iframe.src = src;
    iframe.title = figure.dataset.embedTitle || "Embedded content";
    iframe.setAttribute(
      "sandbox",
      "allow-scripts allow-same-origin allow-popups allow-presentation"
    );
    iframe.setAttribute("allow", "encrypted-media; fullscreen; picture-in-picture");
    iframe.setAttribute("allowfullscreen", "");
    iframe.referrerPolicy = "strict-origin-when-cross-origin";
    var ratio = parseFloat(figure.dataset.embedRatio);
    if (ratio > 0) {
      iframe.style.aspectRatio = String(ratio);
    }
    var frame = figure.querySelector(".embed__frame");
    frame.replaceChildren(iframe);
    figure.classList.remove("embed--facade");
    figure.classList.add("embed--open");
    iframe.focus();
  }

  function prepare() {
    document.querySelectorAll(".embed--facade").forEach(function (figure) {
      if (figure.dataset.embedReady) {
        return;
      }
      figure.dataset.embedReady = "true";
      var consent = figure.querySelector(".embed__consent");
      var button = figure.querySelector(".embed__show");
      if (!consent || !button) {
        return;
      }
      consent.hidden = false;
      button.addEventListener("click", function () {
        open(figure);
      });
    });
  }

  prepare();
})();
