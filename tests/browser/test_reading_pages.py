"""
The reading pages in a real Chromium: within the Content Security Policy, no
sideways scrolling on a 320px phone, no layout shift as pictures load, a
visible skip link and a print stylesheet. (Their accessibility scan is in
test_accessibility.py.)
"""

import pytest
from django.urls import reverse

from tests.browser.conftest import serve_media
from tests.factories import make_article, make_author, make_image, make_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [320, 1280]

# Sum of layout-shift scores the page has seen so far (buffered observer).
CUMULATIVE_LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) {
      if (!entry.hadRecentInput) total += entry.value;
    }
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 300);
})"""


@pytest.fixture
def reader_pages():
    """A small paper with pictures, and the address of each kind of page."""
    news = make_section(name="News", slug="news", description="The day's news.")
    make_section(name="Opinion", slug="opinion")
    author = make_author(
        name="Jane Doe",
        slug="jane-doe",
        role="Economics editor",
        bio="Jane Doe writes about money.",
        photo=make_image(alt_text="Portrait of Jane Doe"),
    )
    photographer = make_author(name="Aoife Byrne", slug="aoife-byrne", bio="")
    article = None
    for n in range(6):
        article = make_article(
            section=news,
            title=f"Council approves the harbour plan, part {n}",
            slug=f"harbour-plan-{n}",
            body="<p>The council met on Tuesday.</p><h2>Next</h2><p>Work begins "
            '<a href="https://example.org/">in spring</a>.</p>',
            lead_image=make_image(alt_text=f"The harbour, view {n}"),
            authors=[author, (photographer, "photographer")],
            tags=["Harbour", "Local government"],
        )
    return {
        "home": reverse("articles:home"),
        "section": news.get_absolute_url(),
        "article": article.get_absolute_url(),
        "author": author.get_absolute_url(),
        "tag": reverse("articles:tag", args=["harbour"]),
        "search": reverse("articles:search") + "?q=harbour",
    }


def open_page(browser, url, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.route("**/media/**", serve_media)
    page = context.new_page()
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if message.type == "error" else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.url}")
            if response.status >= 400
            else None
        ),
    )
    response = page.goto(url, wait_until="load")
    assert response.status == 200, url
    return page, problems


def test_reading_pages_keep_to_the_csp_fit_a_phone_and_do_not_shift(
    live_server, browser, reader_pages
):
    """No CSP violation or failed request, no sideways scroll at 320px, and
    pictures take their space before they load."""
    for width in WIDTHS:
        for name, path in reader_pages.items():
            page, problems = open_page(browser, live_server.url + path, width)
            assert problems == [], (name, width, problems)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, (name, width, overflow)
            assert page.evaluate(CUMULATIVE_LAYOUT_SHIFT) < 0.01, (name, width)
            page.context.close()


def test_skip_link_is_the_first_stop_and_shows_when_focused(
    live_server, browser, reader_pages
):
    """Tab once: the skip link has focus, is visible, and leads to main."""
    page, _ = open_page(browser, live_server.url + reader_pages["article"], 390)
    page.emulate_media(reduced_motion="reduce")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const el = document.activeElement; const box ="
        " el.getBoundingClientRect(); return [el.className, box.top >= 0,"
        " box.bottom <= innerHeight, getComputedStyle(el).outlineStyle]; }"
    )
    assert focused == ["skip-link", True, True, "solid"]
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_print_stylesheet_leaves_out_navigation(live_server, browser, reader_pages):
    """Printed, the article keeps its text and drops the section bar."""
    page, _ = open_page(browser, live_server.url + reader_pages["article"], 1280)
    display = "selector => getComputedStyle(document.querySelector(selector)).display"
    assert page.evaluate(display, ".section-bar") == "block"
    page.emulate_media(media="print")
    assert page.evaluate(display, ".section-bar") == "none"
    assert page.evaluate(display, ".more") == "none"
    assert page.evaluate(display, ".article__body") == "block"


def test_cards_below_the_view_render_late_but_keep_their_focus_outline(
    live_server, browser
):
    """
    The section page's cards are rendered only near the view
    (content-visibility), which clips what they paint past their edges: the
    clip leaves room for a focused link's whole outline. Scrolled through,
    the page shows every card's picture.
    """
    news = make_section(name="News", slug="news")
    for n in range(12):
        make_article(
            section=news,
            title=f"Council approves the harbour plan, part {n}",
            slug=f"harbour-plan-{n}",
            lead_image=make_image(alt_text=f"The harbour, view {n}"),
        )
    context = browser.new_context(viewport={"width": 412, "height": 823})
    context.route("**/media/**", serve_media)
    page = context.new_page()
    page.goto(live_server.url + news.get_absolute_url(), wait_until="load")
    card, outline = page.evaluate(
        """() => {
          const link = document.querySelector('main .card-list > li a');
          link.focus();
          const drawn = getComputedStyle(link);
          const item = getComputedStyle(link.closest('li'));
          return [[item.contentVisibility, parseFloat(item.overflowClipMargin)],
                  parseFloat(drawn.outlineWidth) + parseFloat(drawn.outlineOffset)];
        }"""
    )
    assert card[0] == "auto"
    assert outline > 0 and card[1] >= outline
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('main .card-list img'))"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    assert (
        page.evaluate("document.querySelectorAll('main .card-list img').length") == 12
    )
    context.close()
