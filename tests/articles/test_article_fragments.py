"""
Article pages keep their costly parts (body with bylines, tags and
corrections; JSON-LD; the cards below) as fragments under the content
version, with the article's own row: a warm page runs no query, and what
readers see is never stale.
"""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import make_article, make_author, make_correction, make_section
from tests.html import parse, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    section = make_section()
    author = make_author(name="Jane Doe", bio="Jane Doe covers the council.")
    for age in range(2, 5):
        make_article(
            section=section, published_at=timezone.now() - timedelta(hours=age)
        )
    make_article(tags=["Harbour"])  # related reading, another section
    return make_article(section=section, authors=[author], tags=["Harbour"])


def test_a_warm_article_page_runs_no_query(client, story, django_assert_num_queries):
    """The article's own row is kept with its fragments, under its address."""
    first = client.get(story.get_absolute_url())
    with django_assert_num_queries(0):
        again = client.get(story.get_absolute_url())
    assert again.content == first.content
    page = parse(again)
    assert page.select("#more-in-section ~ ul .card__title a")
    assert page.select("#related-reading ~ ul .card__title a")


def test_a_changed_bio_correction_or_headline_shows_on_the_next_request(client, story):
    url = story.get_absolute_url()
    client.get(url)
    author = story.authors.get()
    author.bio = "Jane Doe is the paper's new editor."
    author.save()
    make_correction(story, text="The meeting was on Wednesday.")
    page = parse(client.get(url))
    assert "Jane Doe is the paper's new editor." in text(
        page.select_one(".about-authors")
    )
    assert "The meeting was on Wednesday." in text(page.select_one(".corrections"))
    other = story.section.articles.exclude(pk=story.pk).first()
    other.title = "A headline changed after publication"
    other.save()
    page = parse(client.get(url))
    titles = [text(a) for a in page.select("#more-in-section ~ ul .card__title a")]
    assert "A headline changed after publication" in titles


def test_a_scheduled_article_joins_more_in_section_when_its_time_comes(client, story):
    """
    Going live changes the list without a save: its fragment is not kept
    past the next scheduled publication.
    """
    scheduled = make_article(
        section=story.section,
        title="Scheduled for a moment from now",
        published_at=timezone.now() + timedelta(seconds=1.5),
    )
    url = story.get_absolute_url()

    def more_titles():
        page = parse(client.get(url))
        return [text(a) for a in page.select("#more-in-section ~ ul .card__title a")]

    assert scheduled.title not in more_titles()
    time.sleep(max(scheduled.published_at.timestamp() - time.time(), 0) + 0.1)
    assert more_titles()[0] == scheduled.title


def test_with_fragments_off_nothing_is_kept(
    client, story, settings, django_assert_num_queries
):
    """FRAGMENT_CACHE_SECONDS=0: every request reads what it shows."""
    settings.FRAGMENT_CACHE_SECONDS = 0
    first = client.get(story.get_absolute_url())
    # The three of the page (no corrections, nothing its body refers to) and
    # the newsletters its offer shows.
    with django_assert_num_queries(4):
        again = client.get(story.get_absolute_url())
    assert again.content == first.content


def test_a_kept_article_moved_to_a_new_address_redirects_from_the_old_one(
    client, story
):
    old_url = story.get_absolute_url()
    client.get(old_url)  # its row and parts are kept under this address
    story.slug = "a-new-slug"
    story.save()
    moved = client.get(old_url)
    assert moved.status_code == 301
    assert moved["Location"] == story.get_absolute_url()
    assert client.get(story.get_absolute_url()).status_code == 200


def test_a_kept_article_taken_down_answers_404(client, story):
    url = story.get_absolute_url()
    client.get(url)
    story.status = type(story).Status.DRAFT
    story.save()
    assert client.get(url).status_code == 404
