"""
A live article's reading page without JavaScript: its head, its key events,
the pinned entry first and the others newest first, a page at a time, each
entry's body elements rendered; an ended one says so.
"""

import re
from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from articles.live import ENTRIES_PER_PAGE
from articles.models import Article, LiveEntry
from tests.articles.live_factories import make_entry, make_live_article
from tests.articles.test_queries import ARTICLE_PAGE_BUDGET
from tests.factories import make_article, make_author, make_correction, make_image
from tests.html import parse
from tests.kept import forget_everything_kept

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


def make_busy_entries(article, count, author, image, other):
    """Entries with an author, a picture and a card each; every other a key event."""
    for n in range(count):
        make_entry(
            article,
            authors=[author, make_author()],
            key_event=n % 2 == 0,
            body=f'<p>Update {n}</p><figure data-element="picture" '
            f'data-image="{image.pk}"></figure>'
            f'<aside data-element="read-more" data-article="{other.pk}"></aside>',
        )


def cold_queries(client, url, assert_max_queries):
    """The queries of a render with nothing kept: the worst case."""
    forget_everything_kept()
    with assert_max_queries(ARTICLE_PAGE_BUDGET) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("count", [3, 60])
def test_a_cold_live_page_keeps_the_article_pages_budget(
    client, django_assert_max_num_queries, count
):
    """
    A live page with a lead picture, tags, a correction, more in its
    section, related reading, and its entries' authors, pictures, cards and
    key events runs no more queries than an article page may, the same with
    3 entries or 60: the entries of the page and the key events with their
    authors come in one query, what their bodies show in the article's own
    prefetch of its body's references.
    """
    other = make_article(lead_image=make_image(), tags=["Storm"])
    article = make_live_article(
        lead_image=make_image(), authors=[make_author()], tags=["Storm", "Galway"]
    )
    make_correction(article, text="An earlier update gave the wrong road.")
    make_article(section=article.section)  # more in its section
    make_busy_entries(article, count, make_author(), make_image(), other)
    url = article.get_absolute_url()
    client.get(url)  # warm anything process-wide
    queries = cold_queries(client, url, django_assert_max_num_queries)
    html = client.get(url).content.decode()
    assert len(entry_ids(html)) == min(count, ENTRIES_PER_PAGE)
    assert html.count('class="live-entry__byline"') == min(count, ENTRIES_PER_PAGE)
    assert html.count(f">{other.title}</span>") == min(count, ENTRIES_PER_PAGE)
    assert queries == LIVE_PAGE_QUERIES
    page = parse(client.get(url))
    assert page.select("#more-in-section ~ ul .card__title a")
    assert page.select("#related-reading ~ ul .card__title a")
    assert page.select(".corrections")


# The article page's four with its corrections (tests/articles/
# test_queries.py), one for what its entries refer to and one for the
# page's entries, its key events and their authors.
LIVE_PAGE_QUERIES = 6


def test_a_warm_live_page_runs_no_query(client, django_assert_num_queries):
    """Kept whole under the content version, a live page costs nothing."""
    article = make_live_article(lead_image=make_image())
    make_busy_entries(article, 3, make_author(), make_image(), make_article())
    url = article.get_absolute_url()
    first = client.get(url).content
    with django_assert_num_queries(0):
        assert client.get(url).content == first
    with django_assert_num_queries(0):
        client.get(url + "?page=1")


def test_an_entry_shows_its_authors_by_name_linked_to_their_pages(client):
    """Read with the entry, the byline names each author once, by name."""
    article = make_live_article()
    zoe = make_author(name="Zoë Ní Bhriain", slug="zoe")
    adam = make_author(name='Adam "Ace" Byrne', slug="adam")
    make_entry(article, authors=[zoe, adam])
    make_entry(article)
    html = client.get(article.get_absolute_url()).content.decode()
    byline = html.split('class="live-entry__byline">', 1)[1].split("</p>", 1)[0]
    assert byline == (
        '<a href="/authors/adam/">Adam &quot;Ace&quot; Byrne</a> and '
        '<a href="/authors/zoe/">Zoë Ní Bhriain</a>'
    )
    assert html.count('class="live-entry__byline"') == 1


def test_2000_entries_cost_what_20_do_on_the_first_middle_and_last_page(
    client, django_assert_max_num_queries
):
    """
    Entries come a page at a time: the first, a middle and the last page of
    2,000 entries run the same queries, no more than one page of 20 does
    (whose entries refer to pictures and articles: one query more to read
    those), and show the right entries.
    """
    author = make_author()
    small = make_live_article(tags=["Storm"])
    make_busy_entries(small, ENTRIES_PER_PAGE, author, make_image(), make_article())
    big = make_live_article(tags=["Storm"])
    LiveEntry.objects.bulk_create(
        LiveEntry(article=big, body=f"<p>Update {n}</p>", key_event=n % 100 == 0)
        for n in range(2000)
    )
    entries = list(big.live_entries.order_by("pk"))
    LiveEntry.authors.through.objects.bulk_create(
        LiveEntry.authors.through(liveentry=entry, author=author) for entry in entries
    )
    client.get(small.get_absolute_url())  # warm anything process-wide
    expected = cold_queries(
        client, small.get_absolute_url(), django_assert_max_num_queries
    )
    last = 2000 // ENTRIES_PER_PAGE
    counts = set()
    for number in (1, last // 2, last):
        url = f"{big.get_absolute_url()}?page={number}"
        counts.add(cold_queries(client, url, django_assert_max_num_queries))
        shown = entry_ids(client.get(url).content.decode())
        newest = len(entries) - (number - 1) * ENTRIES_PER_PAGE
        assert (
            shown == [e.pk for e in entries[newest - ENTRIES_PER_PAGE : newest]][::-1]
        )
    assert counts == {expected - 1}
    html = client.get(f"{big.get_absolute_url()}?page={last}").content.decode()
    assert "Older updates" not in html and "Newer updates" in html
    assert html.count('href="#entry-') >= 20  # every key event listed


def test_an_entrys_references_follow_its_body_apart_from_the_articles():
    """
    What an entry shows is recorded under the article, naming the entry, as
    it is saved, edited and deleted; the article's own rows stay its body's.
    """
    first, second = make_image(), make_image()
    article = make_live_article(
        body=f'<figure data-element="picture" data-image="{first.pk}"></figure>'
    )
    entry = make_entry(
        article,
        body=f'<figure data-element="picture" data-image="{first.pk}"></figure>'
        f'<figure data-element="picture" data-image="{second.pk}"></figure>',
    )

    def rows():
        return sorted(
            article.body_references.values_list("entry", "image"),
            key=lambda row: (row[0] or 0, row[1]),
        )

    assert rows() == [(None, first.pk), (entry.pk, first.pk), (entry.pk, second.pk)]
    article.title = "Saved again"
    article.save()
    assert rows() == [(None, first.pk), (entry.pk, first.pk), (entry.pk, second.pk)]
    entry.body = "<p>No picture now.</p>"
    entry.save()
    assert rows() == [(None, first.pk)]
    assert article.body_pictures() == [first]
    entry.body = f'<figure data-element="picture" data-image="{second.pk}"></figure>'
    entry.save()
    entry.delete()
    assert rows() == [(None, first.pk)]


def test_entries_created_in_bulk_show_their_pictures(client):
    """A bulk write records what the entries show, as a save does."""
    article = make_live_article()
    image = make_image(alt_text="Flooded quay")
    LiveEntry.objects.bulk_create(
        [
            LiveEntry(
                article=article,
                body=f'<figure data-element="picture" data-image="{image.pk}">'
                "</figure><script>x()</script>",
            ),
            LiveEntry(article=article, body="<p>No picture.</p>"),
        ]
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert html.count('alt="Flooded quay"') == 1
    assert "x()" not in html


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


def test_the_articles_row_reads_its_coverage_and_corrections_flag():
    """
    with_coverage() and with_corrections_flag() read, beside each row, when
    coverage began and last changed, the newest entry's id and whether there
    are corrections; None and False for an article without any.
    """
    article = make_live_article(lead_image=make_image())
    first = make_entry(article)
    newest = make_entry(article)
    LiveEntry.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - timedelta(hours=2),
        updated_at=timezone.now() + timedelta(minutes=5),
    )
    first.refresh_from_db()
    make_correction(article)
    plain = make_article()
    rows = {
        row.pk: row
        for row in Article.objects.for_article_page()
        .with_coverage()
        .with_corrections_flag()
        .filter(pk__in=[article.pk, plain.pk])
    }
    covered = rows[article.pk]
    assert covered.first_entry_at == first.created_at
    assert covered.latest_update_at == first.updated_at
    assert covered.latest_entry_id == newest.pk
    assert covered.has_corrections is True
    row = rows[plain.pk]
    assert (row.first_entry_at, row.latest_update_at, row.latest_entry_id) == (
        None,
        None,
        None,
    )
    assert row.has_corrections is False
