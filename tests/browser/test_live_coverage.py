"""
A reader's open live page in a real Chromium: entries posted meanwhile are
announced by a "2 new updates" button (nothing on the page moves until the
reader presses it), then shown at the top.
"""

import pytest

from tests.articles.live_factories import make_entry, make_live_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_new_entries_wait_behind_a_button_until_the_reader_presses_it(
    page, live_server
):
    """Two posts in the same second: "2 new updates", nothing moved, then both shown."""
    article = make_live_article(title="Storm Éowyn live")
    first = make_entry(article, headline="Red warning issued")
    page.clock.install()
    page.goto(live_server.url + article.get_absolute_url())
    entries = page.locator(".live__entries > .live-entry")
    assert entries.count() == 1
    top = entries.first.bounding_box()["y"]

    make_entry(article, headline="Quay wall breached")
    make_entry(article, headline="Bridge closed")
    page.clock.run_for(15_000)

    button = page.get_by_role("button", name="2 new updates")
    button.wait_for()
    assert entries.count() == 1
    assert page.locator(f"#entry-{first.pk}").bounding_box()["y"] == top

    button.click()
    assert entries.count() == 3
    headlines = page.locator(".live-entry__headline").all_inner_texts()
    assert headlines == ["Bridge closed", "Quay wall breached", "Red warning issued"]
    assert "2 new updates shown" in page.locator("[aria-live=polite]").inner_text()
    assert button.is_hidden()


def updates_asked(page):
    """The addresses of the "anything new" requests the page makes, as it goes."""
    asked = []
    page.on(
        "request",
        lambda request: (
            asked.append(request.url) if "/updates/" in request.url else None
        ),
    )
    return asked


def test_polling_stops_while_the_tab_is_hidden(page, live_server):
    """A hidden tab asks nothing; shown again, it asks at once."""
    article = make_live_article()
    make_entry(article)
    page.clock.install()
    asked = updates_asked(page)
    page.goto(live_server.url + article.get_absolute_url())
    page.evaluate(
        """() => {
        Object.defineProperty(document, "hidden", {value: true, configurable: true});
        document.dispatchEvent(new Event("visibilitychange"));
    }"""
    )
    page.clock.run_for(60_000)
    assert asked == []
    page.evaluate(
        """() => {
        Object.defineProperty(document, "hidden", {value: false, configurable: true});
        document.dispatchEvent(new Event("visibilitychange"));
    }"""
    )
    page.wait_for_timeout(300)
    assert len(asked) == 1
