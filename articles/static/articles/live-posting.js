/*
 * The live posting page (templates/admin/articles/article/live.html):
 * Ctrl+Enter or Cmd+Enter in the entry form posts it.
 */
(function () {
  "use strict";

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) {
      return;
    }
    var form = event.target.closest && event.target.closest("[data-submit-shortcut]");
    if (form) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
})();
