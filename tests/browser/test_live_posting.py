"""
Live coverage with two editors in real Chromium windows: both post to the
same live article within the same second through the posting page (one with
Ctrl+Enter, the other with the Post button), and a reader's open page
announces "2 new updates" without moving what is on screen, then shows both
when pressed; without JavaScript a reload shows them. axe finds nothing on
the live page (phone and desktop widths, light and dark) nor on the posting
page.
"""

import pytest
from django.urls import reverse

from articles.models import LiveEntry
from tests.articles.live_factories import make_entry, make_live_article
from tests.browser.conftest import (
    RECORD_CSP_VIOLATIONS,
    VIEWPORTS,
    WCAG,
    WCAG_AND_BEST_PRACTICE,
    axe_scan,
    format_violations,
    serve_media,
)
from tests.browser.test_workflow import logged_in_page
from tests.factories import image_upload, make_author, make_image, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POLL_MS = 15_000  # articles/live.js: INTERVAL


def editor(username, name):
    author = make_author(name=name)
    return make_member(username, "Editor", author=author)


def posting_page(browser, live_server, user, article):
    context, page = logged_in_page(browser, live_server, user)
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.goto(
        live_server.url + reverse("admin:articles_article_live", args=[article.pk])
    )
    # The body editor starts (its modules' import map and its stylesheet
    # pass the page's CSP) and is named for screen readers.
    body = page.get_by_role("textbox", name="Body")
    body.wait_for(timeout=10_000)
    assert page.evaluate("window.cspViolations") == []
    return context, page


def write(page, headline, text):
    page.fill("#id_headline", headline)
    page.locator(".prose-editor [contenteditable=true]").click()
    page.keyboard.type(text)


def scan(page, axe_source, tags, enhanced_contrast=False):
    """axe's findings on the page; `enhanced_contrast` adds the AAA rule (7:1)."""
    results = axe_scan(
        page, axe_source, tags, rules={"color-contrast-enhanced": enhanced_contrast}
    )
    assert len(results["passes"]) > 10, "axe ran hardly any checks"
    return results["violations"]


def test_two_editors_post_in_the_same_second_and_an_open_page_offers_both(
    live_server, browser
):
    """
    Ctrl+Enter in one window, Post in the other, in the same second: both
    entries are saved, each with its editor's byline. The reader's open page
    (its poll hurried on by the page's clock; the answer is the real one)
    offers "2 new updates" with nothing on screen moved, shows both at the
    top when pressed and says so in its polite live region. A reader without
    JavaScript sees both on reloading.
    """
    article = make_live_article(title="Storm Dervla live")
    first = make_entry(article, headline="Red warning issued")
    aoife = editor("aoife", "Aoife Brennan")
    patrick = editor("patrick", "Patrick Moloney")
    url = live_server.url + article.get_absolute_url()

    reader_context = browser.new_context(viewport=VIEWPORTS["phone"])
    reader = reader_context.new_page()
    reader.clock.install()
    reader.goto(url)
    shown = reader.locator(f"#entry-{first.pk}")
    before = shown.bounding_box()
    plain_context = browser.new_context(
        viewport=VIEWPORTS["phone"], java_script_enabled=False
    )
    plain = plain_context.new_page()
    plain.goto(url)
    assert plain.locator(".live__entries > .live-entry").count() == 1

    first_desk, one = posting_page(browser, live_server, aoife, article)
    second_desk, other = posting_page(browser, live_server, patrick, article)
    try:
        write(one, "Quay wall breached", "The sea is over the wall at the Claddagh.")
        write(other, "Bridge closed", "Gardaí have closed the Salmon Weir Bridge.")
        one.keyboard.press("Control+Enter")  # the cursor is in the body
        other.get_by_role("button", name="Post").click()
        for page in (one, other):
            page.get_by_text("Entry posted.").wait_for(timeout=10_000)
    finally:
        first_desk.close()
        second_desk.close()

    posted = list(LiveEntry.objects.filter(article=article).exclude(pk=first.pk))
    assert {entry.headline for entry in posted} == {
        "Quay wall breached",
        "Bridge closed",
    }
    assert abs((posted[0].created_at - posted[1].created_at).total_seconds()) < 1
    assert {entry.authors.get().name for entry in posted} == {
        "Aoife Brennan",
        "Patrick Moloney",
    }

    try:
        reader.clock.run_for(POLL_MS)
        button = reader.get_by_role("button", name="2 new updates")
        button.wait_for(timeout=10_000)
        assert reader.locator(".live__entries > .live-entry").count() == 1
        assert shown.bounding_box() == before  # nothing on screen moved

        button.click()
        headlines = reader.locator(".live-entry__headline").all_inner_texts()
        assert headlines[2] == "Red warning issued"
        assert set(headlines[:2]) == {"Quay wall breached", "Bridge closed"}
        news = reader.locator(".live__news")
        assert news.get_attribute("aria-live") == "polite"
        assert news.inner_text() == "2 new updates shown."
        assert button.is_hidden()

        plain.reload()
        plain_headlines = plain.locator(".live-entry__headline").all_inner_texts()
        assert plain_headlines == headlines
    finally:
        reader_context.close()
        plain_context.close()


@pytest.fixture
def coverage(transactional_db):
    """A live article as a desk leaves it: a pinned entry, key events, a
    picture in an entry, bylines, and more than a page of entries."""
    picture = make_image(
        file=image_upload(width=800, height=450),
        alt_text="Waves breaking over the promenade wall",
    )
    reporter = make_author(name="Patrick Moloney")
    article = make_live_article(title="Storm Dervla live")
    for n in range(22):
        make_entry(
            article,
            headline=f"Update {n}",
            body=f"<p>Gusts of {100 + n}km/h at Mace Head.</p>",
            key_event=n % 7 == 0,
            authors=[reporter],
        )
    make_entry(
        article,
        headline="What we know",
        body=(
            "<p>The red warning runs until 7am.</p>"
            f'<figure data-element="picture" data-image="{picture.pk}">'
            "<figcaption>Salthill at high tide.</figcaption></figure>"
        ),
        pinned=True,
        authors=[reporter],
    )
    return article


def test_the_live_page_is_accessible_at_both_widths_in_both_schemes(
    live_server, browser, axe_source, coverage
):
    """
    WCAG 2.2 AA, axe's best practices and the AAA contrast rule on the live
    page at 390 and 1280 px, light and dark, with the "new updates" button
    showing over it.
    """
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    context.route("**/media/**", serve_media)
    page = context.new_page()
    try:
        page.clock.install()
        page.goto(live_server.url + coverage.get_absolute_url())
        make_entry(coverage, headline="Bridge closed")
        page.clock.run_for(POLL_MS)
        page.get_by_role("button", name="1 new update").wait_for(timeout=10_000)
        for viewport in ("phone", "desktop"):
            page.set_viewport_size(VIEWPORTS[viewport])
            for scheme in ("light", "dark"):
                page.emulate_media(color_scheme=scheme)
                violations = scan(
                    page, axe_source, WCAG_AND_BEST_PRACTICE, enhanced_contrast=True
                )
                assert not violations, (
                    f"{len(violations)} problem(s) at {viewport} width in the "
                    f"{scheme} scheme:\n" + format_violations(violations)
                )
    finally:
        context.close()


def test_the_posting_page_meets_wcag_at_both_widths(
    live_server, browser, axe_source, coverage
):
    """The admin posting page, with its form and the latest entries beside,
    its body editor started."""
    context, page = posting_page(
        browser, live_server, editor("aoife", "Aoife Brennan"), coverage
    )
    try:
        for viewport in ("desktop", "phone"):
            page.set_viewport_size(VIEWPORTS[viewport])
            violations = scan(page, axe_source, WCAG)
            assert not violations, (
                f"{len(violations)} problem(s) at {viewport} width:\n"
                + format_violations(violations)
            )
    finally:
        context.close()
