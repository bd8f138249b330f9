"""
A live article's reading page without JavaScript: its head, its key events,
the pinned entry first and the others newest first, a page at a time, each
entry's body elements rendered; an ended one says so.
"""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import IntegrityError
from django.utils import timezone

from articles.live import ENTRIES_PER_PAGE
from articles.models import Article, LiveEntry
from tests.articles.live_factories import make_entry, make_live_article
from tests.factories import make_article, make_author, make_image

pytestmark = pytest.mark.django_db


def entry_ids(html):
    found = re.findall(r'<article class="live-entry[^"]*" id="entry-(\d+)"', html)
    return [int(pk) for pk in found]


def test_entries_are_shown_newest_first_with_the_pinned_one_first(client):
    """The pinned entry leads, then the rest newest first."""
    article = make_live_article()
    first = make_entry(article, pinned=True)
    second = make_entry(article)
    third = make_entry(article)
    html = client.get(article.get_absolute_url()).content.decode()
    assert entry_ids(html) == [first.pk, third.pk, second.pk]
    assert "Pinned" in html


def test_key_events_link_to_their_entries(client):
    """Key events are listed near the top, each linking to its entry."""
    article = make_live_article()
    key = make_entry(article, headline="Quay wall breached", key_event=True)
    make_entry(article, headline="Ordinary update")
    html = client.get(article.get_absolute_url()).content.decode()
    events = html.split("Key events", 1)[1].split("</nav>", 1)[0]
    assert f'href="#entry-{key.pk}"' in events
    assert "Quay wall breached" in events
    assert "Ordinary update" not in events


def test_older_updates_come_a_page_at_a_time(client):
    """
    Past the first page's entries an "Older updates" link leads on; past
    the last page is not found.
    """
    article = make_live_article()
    entries = [make_entry(article) for _ in range(ENTRIES_PER_PAGE + 2)]
    first = client.get(article.get_absolute_url()).content.decode()
    assert len(entry_ids(first)) == ENTRIES_PER_PAGE
    assert "Older updates" in first and "?page=2" in first
    second = client.get(article.get_absolute_url() + "?page=2").content.decode()
    assert entry_ids(second) == [entries[1].pk, entries[0].pk]
    assert "Older updates" not in second
    assert client.get(article.get_absolute_url() + "?page=3").status_code == 404


def test_entry_bodies_render_their_body_elements(client):
    """A picture in an entry is rendered from the library, with its caption."""
    article = make_live_article()
    image = make_image(alt_text="Flooded quay")
    make_entry(
        article,
        body=f'<figure data-element="picture" data-image="{image.pk}">'
        "<figcaption>The quay at noon</figcaption></figure>",
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'alt="Flooded quay"' in html
    assert "The quay at noon" in html


def test_an_entry_edited_after_posting_says_when(client):
    """An entry edited later says "Updated" with the time; a fresh one does not."""
    article = make_live_article()
    entry = make_entry(article)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Updated" not in html.split("live__entries", 1)[1]
    LiveEntry.objects.filter(pk=entry.pk).update(
        updated_at=timezone.now() + timedelta(minutes=5)
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "live-entry__updated" in html


def test_an_ended_live_article_says_so_and_loads_no_script(client):
    """Ended coverage keeps its entries, says it has ended and does not poll."""
    article = make_live_article(live_state=Article.LiveState.ENDED)
    entry = make_entry(article)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "This live coverage has ended" in html
    assert entry_ids(html) == [entry.pk]
    assert "live.js" not in html
    assert "data-live-updates" not in html


def test_a_live_article_loads_the_script_and_an_ordinary_one_does_not(client):
    """Only live pages load live.js and carry the polling address."""
    article = make_live_article()
    make_entry(article)
    assert "articles/live.js" in client.get(article.get_absolute_url()).content.decode()
    ordinary = make_article()
    html = client.get(ordinary.get_absolute_url()).content.decode()
    assert "live.js" not in html and "Key events" not in html


@pytest.mark.parametrize("count", [3, 60])
def test_page_queries_do_not_grow_with_the_entries(
    client, django_assert_num_queries, count
):
    """
    A live page runs the same queries with 3 entries or 60, with their
    authors, key events and pictures.
    """
    article = make_live_article()
    author = make_author()
    image = make_image()
    for n in range(count):
        make_entry(
            article,
            authors=[author],
            key_event=n % 2 == 0,
            body=f'<p>Update {n}</p><figure data-element="picture" '
            f'data-image="{image.pk}"></figure>',
        )
    client.get(article.get_absolute_url())  # warm anything process-wide
    cache.clear()  # nothing of the page kept: the worst case
    with django_assert_num_queries(LIVE_PAGE_QUERIES):
        assert client.get(article.get_absolute_url()).status_code == 200


# The article page's own (tests/articles/test_queries.py) and the entries'
# page, their authors, their pictures and renditions, and the key events.
LIVE_PAGE_QUERIES = 13


def test_only_one_entry_of_an_article_may_be_pinned():
    """The database refuses a second pinned entry of the same article."""
    article = make_live_article()
    make_entry(article, pinned=True)
    make_entry(make_live_article(), pinned=True)  # another article's: fine
    with pytest.raises(IntegrityError):
        make_entry(article, pinned=True)


def test_entry_bodies_are_sanitised():
    """A script in an entry's body never reaches the database."""
    entry = make_entry(make_live_article(), body="<p>Hi</p><script>x()</script>")
    assert "script" not in entry.body
