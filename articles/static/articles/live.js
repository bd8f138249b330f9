/*
 * Live coverage (templates/articles/live_coverage.html): every 15 seconds
 * asks the page's "anything new" address (data-live-updates) what came
 * after the newest entry shown (data-live-latest), and when there is
 * something shows a "3 new updates" button rather than moving the text
 * under the reader's eyes. Pressing it puts the new entries at the top and
 * says so in the polite live region. Asks nothing while the tab is hidden,
 * and stops once the coverage has ended. No framework; loaded with defer.
 */
(function () {
  "use strict";

  var INTERVAL = 15000;
  var section = document.querySelector("[data-live-updates]");
  if (!section || !window.fetch) {
    return;
  }
  var address = section.dataset.liveUpdates;
  var latest = section.dataset.liveLatest || "0";
  var entries = section.querySelector(".live__entries");
  var news = section.querySelector(".live__news");
  var waiting = null; // the last answer with new entries, not yet shown
  var timer = null;
  var ended = false;

  var button = document.createElement("button");
  button.type = "button";
  button.className = "live__more";
  button.hidden = true;
  section.insertBefore(button, entries);

  function say(text) {
    news.textContent = text;
  }

  function updates(count) {
    return count + " new update" + (count === 1 ? "" : "s");
  }

  function answered(answer) {
    if (answer.ended) {
      ended = true;
      stop();
      say("This live coverage has ended.");
      return;
    }
    if (answer.count > 0) {
      waiting = answer;
      button.textContent = updates(answer.count);
      button.hidden = false;
    }
  }

  function ask() {
    fetch(address + "?since=" + encodeURIComponent(latest), {
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (answer) {
        if (answer) {
          answered(answer);
        }
      })
      .catch(function () {}); // the next poll tries again
  }

  function start() {
    if (!timer && !ended) {
      timer = window.setInterval(ask, INTERVAL);
    }
  }

  function stop() {
    window.clearInterval(timer);
    timer = null;
  }

  button.addEventListener("click", function () {
    if (!waiting) {
      return;
    }
    var empty = entries.querySelector(":scope > p");
    if (empty) {
      empty.remove();
    }
    var pinned = entries.querySelector(":scope > .live-entry--pinned");
    var at = pinned ? pinned.nextSibling : entries.firstChild;
    var template = document.createElement("template");
    template.innerHTML = waiting.html;
    entries.insertBefore(template.content, at);
    latest = String(waiting.latest);
    say(updates(waiting.count) + " shown.");
    waiting = null;
    button.hidden = true;
    var first = entries.querySelector("#entry-" + latest);
    if (first) {
      first.setAttribute("tabindex", "-1");
      first.focus();
    }
  });

  document.addEventListener("visibilitychange", function () {
    if (ended) {
      return; // the coverage is over: nothing more to ask
    }
    if (document.hidden) {
      stop();
    } else {
      ask();
      start();
    }
  });

  if (!document.hidden) {
    start();
  }
})();
