"""
Cards of live coverage say "Live" while it goes on; a front-page slot also
shows its latest entry's first words. A new entry or the end of the coverage
shows on the next request through every cache layer (the page cache, the
page's fragments, the kept cards).
"""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, LiveEntry
from tests.articles.live_factories import make_entry, make_live_article
from tests.factories import make_article, make_section
from tests.html import parse, text

pytestmark = pytest.mark.django_db

HOME = "/"


@pytest.fixture(autouse=True)
def _every_cache_layer(settings):
    """The page cache on, the fragments and cards kept, in a cache of our own."""
    settings.PAGE_CACHE_SECONDS = 300
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"live-cards-{uuid.uuid4().hex}",
        }
    }


@pytest.fixture
def section():
    section = make_section(name="News", slug="news")
    for age in range(2, 5):
        make_article(
            section=section,
            title=f"Story {age}",
            published_at=timezone.now() - timedelta(hours=age),
        )
    return section


def cards(client, url):
    """Each card's headline, whether it says "Live", and its latest line."""
    page = parse(client.get(url))
    found = {}
    for card in page.select(".card"):
        latest = card.select_one(".card__latest")
        found[text(card.select_one(".card__title a"))] = (
            card.select_one(".card__title .live__label") is not None,
            text(latest).removeprefix("Latest: ") if latest else "",
        )
    return found


def test_section_cards_say_live_while_the_coverage_goes_on(client, section):
    """Live coverage says "Live"; ended coverage and other articles do not."""
    make_live_article(section=section, title="Storm live")
    make_live_article(
        section=section, title="Election count", live_state=Article.LiveState.ENDED
    )
    found = cards(client, section.get_absolute_url())
    assert found["Storm live"][0] is True
    assert found["Election count"][0] is False
    assert found["Story 2"][0] is False


def test_a_front_page_slot_shows_live_and_the_latest_entrys_first_line(client, section):
    storm = make_live_article(section=section, title="Storm live")
    make_entry(storm, body="<p>Older news from the coast.</p>")
    make_entry(
        storm, headline="Ferries", body="<p>All ferries are <b>cancelled</b>.</p>"
    )
    assert cards(client, HOME)["Storm live"] == (True, "All ferries are cancelled.")
    assert cards(client, HOME)["Story 2"] == (False, "")


def test_the_front_pages_latest_list_says_live(client, section):
    """Below the lead and top stories, the latest headlines say "Live" too."""
    for age in range(5, 9):
        make_article(
            section=section, published_at=timezone.now() - timedelta(minutes=age)
        )
    make_live_article(
        section=section,
        title="Storm live",
        published_at=timezone.now() - timedelta(minutes=30),
    )
    items = parse(client.get(HOME)).select(".latest-list li")
    labelled = [text(li.select_one("a")) for li in items if li.select(".live__label")]
    assert labelled == ["Storm live"]


def test_a_new_entry_and_the_end_show_on_the_home_page_through_every_cache(
    client, section, django_assert_num_queries
):
    """
    The home page served whole from the page cache shows a new entry's line
    at once, then, once the coverage ends, neither "Live" nor the line.
    """
    storm = make_live_article(section=section, title="Storm live")
    make_entry(storm, body="<p>Winds of 130 km/h at Mace Head.</p>")
    assert cards(client, HOME)["Storm live"] == (
        True,
        "Winds of 130 km/h at Mace Head.",
    )
    with django_assert_num_queries(0):
        client.get(HOME)  # kept whole
    make_entry(storm, body="<p>Power cuts in Galway.</p>")
    assert cards(client, HOME)["Storm live"] == (True, "Power cuts in Galway.")
    storm.live_state = Article.LiveState.ENDED
    storm.save()
    assert cards(client, HOME)["Storm live"] == (False, "")


def test_an_edited_latest_entry_shows_on_the_home_page(client, section):
    storm = make_live_article(section=section, title="Storm live")
    entry = make_entry(storm, body="<p>Winds of 103 km/h.</p>")
    assert cards(client, HOME)["Storm live"][1] == "Winds of 103 km/h."
    entry.body = "<p>Winds of 130 km/h.</p>"
    entry.save()
    assert cards(client, HOME)["Storm live"][1] == "Winds of 130 km/h."


def test_entries_changed_in_bulk_change_the_card(client, section):
    """
    A bulk update drops the kept page and fragments; the kept card's key is
    made of the line it shows, so the card is rendered again too.
    """
    storm = make_live_article(section=section, title="Storm live")
    make_entry(storm, body="<p>First words.</p>")
    assert cards(client, HOME)["Storm live"][1] == "First words."
    LiveEntry.objects.filter(article=storm).update(body="<p>Other words.</p>")
    assert cards(client, HOME)["Storm live"][1] == "Other words."
