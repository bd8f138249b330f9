"""
Browser fixtures: Chrome or Chromium (found by tests/browser/chrome.py) driven
by Playwright's sync API against pytest-django's live server, and an axe-core
accessibility scan. A run without them leaves out the tests that need them
(tests/browser/chrome.py); on CI, which leaves out nothing, they fail.
"""

import contextlib
import mimetypes
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from playwright.sync_api import sync_playwright

from tests.browser.chrome import AXE_SCRIPT, find_chrome
from tests.factories import make_editor

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1280, "height": 900},
}
# WCAG 2.2 A and AA; the public pages are also held to axe's best practices
# (landmarks, one h1, headings in order, …).
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WCAG_AND_BEST_PRACTICE = [*WCAG, "best-practice"]
# Collects the Content-Security-Policy violations a page reports, in
# window.cspViolations (context.add_init_script).
RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture(scope="session")
def chrome():
    """The browser's path (tests/browser/chrome.py)."""
    path = find_chrome()
    if path is None:
        pytest.fail("no Chrome or Chromium found (set CHROME_PATH)", pytrace=False)
    return path


@pytest.fixture(scope="module")
def _async_unsafe_allowed():
    """
    Playwright's sync API keeps an asyncio loop running in the test thread, and
    Django refuses ORM calls while a loop runs in their thread. Here that is
    safe: the ORM runs between Playwright calls, never inside the loop. The
    module scope keeps the setting on until the database flush after the last
    test of the module, and off everywhere else.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser(chrome, _async_unsafe_allowed):
    """The installed Chrome or Chromium, one per module."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chrome, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class LiveRequests:
    """
    The requests the live server is answering, counted by Django's
    request_started and request_finished signals from its own threads.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.answering = 0
        self.last_change = time.monotonic()

    def started(self, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            with self.lock:
                self.answering += 1
                self.last_change = time.monotonic()

    def finished(self, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            with self.lock:
                self.answering -= 1
                self.last_change = time.monotonic()

    def wait_until_quiet(self, quiet=0.5, give_up=10):
        """
        Return once the server has answered everything and started nothing
        new for the last `quiet` seconds of the wait (a request the browser
        has just sent may not have reached it yet), or after `give_up`
        seconds.
        """
        since = time.monotonic()
        deadline = since + give_up
        while time.monotonic() < deadline:
            with self.lock:
                calm = time.monotonic() - max(self.last_change, since)
                if self.answering <= 0 and calm >= quiet:
                    return
            time.sleep(0.05)


@contextlib.contextmanager
def live_requests():
    """A LiveRequests counting while the block runs."""
    requests = LiveRequests()
    request_started.connect(requests.started, dispatch_uid="live-requests-started")
    request_finished.connect(requests.finished, dispatch_uid="live-requests-finished")
    try:
        yield requests
    finally:
        request_started.disconnect(dispatch_uid="live-requests-started")
        request_finished.disconnect(dispatch_uid="live-requests-finished")


@pytest.fixture
def editor_page(browser, live_server, client):
    """
    A page at 1280 × 900 signed in as a staff editor (not a superuser), in a
    context of its own: CSP violations are kept in window.cspViolations and
    script errors in `page.errors`.
    """
    client.force_login(make_editor())
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    with live_requests() as server:
        yield page
        # The editor saves drafts by itself, and sends what is unsaved as the
        # page goes away (navigator.sendBeacon, which Playwright neither sees
        # nor routes). A save still being written when the test's database is
        # emptied deadlocks with the emptying, so the context's pages leave
        # first and the server answers whatever they sent before the test ends.
        for open_page in context.pages:
            open_page.goto("about:blank")
        server.wait_until_quiet()
    context.close()
    context.close()


@pytest.fixture(scope="module")
def axe_source():
    if not AXE_SCRIPT.exists():
        pytest.fail("axe-core is not installed: npm ci", pytrace=False)
    return AXE_SCRIPT.read_text()


def serve_media(route):
    """Answer /media/ requests from MEDIA_ROOT, as the web server would."""
    relative = route.request.url.split("/media/", 1)[1]
    path = Path(settings.MEDIA_ROOT) / relative
    if not path.is_file():
        route.fulfill(status=404)
        return
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    route.fulfill(body=path.read_bytes(), content_type=content_type)


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser):
    """A fresh page at phone or desktop width (tests run once at each)."""
    context = browser.new_context(viewport=VIEWPORTS[request.param])
    context.route("**/media/**", serve_media)
    page = context.new_page()
    yield page
    context.close()


# axe tells an icon ligature (the body editor's "format_bold" button) from
# words only once its web font has loaded; before that it reports the text as
# missing from the button's name and measures its contrast. document.fonts.ready
# waits for the faces that have started loading; a face starts when laid-out
# text needs it, so the page is laid out first in case a script has just added
# such text.
AXE_RUN = """async ([context, tags, rules]) => {
  document.documentElement.getBoundingClientRect();
  await document.fonts.ready;
  return axe.run(context ?? document, {
    runOnly: {type: 'tag', values: tags},
    rules: Object.fromEntries(
      Object.entries(rules).map(([id, enabled]) => [id, {enabled}])),
  });
}"""


def axe_scan(page, axe_source, tags=WCAG, *, within=None, rules=None):
    """
    axe's results for the page as it is now, once its web fonts have loaded:
    the rules with any of `tags`, over `within` (a selector, or axe's context
    such as {"include": [...]}) or the whole document, with `rules` switched
    on or off by id ({"color-contrast-enhanced": True, "region": False}). axe
    is evaluated through the DevTools protocol rather than added as a
    <script>, so the page's CSP (script-src 'self') stays on and is what
    readers get.
    """
    page.evaluate(axe_source)
    return page.evaluate(AXE_RUN, [within, list(tags), rules or {}])


def format_violations(violations):
    """axe's findings as text a person can act on."""
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"][:5]:
            lines.append(f"    at {' '.join(node['target'])}")
            lines.append(f"       {node['html'][:200]}")
            summary = node.get("failureSummary", "").replace("\n", "\n       ")
            lines.append(f"       {summary}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


@pytest.fixture
def assert_accessible(page, axe_source):
    """Open a URL and fail with axe's findings if it has any violation."""

    def check(url, tags=WCAG_AND_BEST_PRACTICE):
        response = page.goto(url)
        assert response is not None and response.status == 200, (
            f"{url} answered {response.status if response else 'nothing'}"
        )
        results = axe_scan(page, axe_source, tags)
        violations = results["violations"]
        assert not violations, (
            f"{len(violations)} accessibility problem(s) on {url}:\n"
            + format_violations(violations)
        )
        return results

    return check
