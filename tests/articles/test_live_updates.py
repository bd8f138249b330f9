"""
The "anything new" answer of a live article: small JSON, kept like a page
(the page cache, and the edge for about a second), changed by the next post
and by the end of the coverage.
"""

import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.cache import get_max_age

from articles.models import Article
from tests.articles.live_factories import make_entry, make_live_article
from tests.factories import make_article, make_author, make_editor, make_image

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache(settings):
    """The page cache on, in a local-memory cache of this test's own."""
    settings.PAGE_CACHE_SECONDS = 300
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"live-updates-{uuid.uuid4().hex}",
        }
    }


def updates_url(article, since):
    return reverse("articles:live-updates", args=[article.pk]) + f"?since={since}"


def test_new_entries_are_counted_and_rendered_newest_first(client):
    """The answer counts the entries after `since` and carries them rendered."""
    article = make_live_article()
    seen = make_entry(article)
    first = make_entry(article, headline="Bridge closed")
    second = make_entry(article, headline="Ferry cancelled")
    answer = client.get(updates_url(article, seen.pk)).json()
    assert answer["count"] == 2
    assert answer["latest"] == second.pk
    assert answer["ended"] is False
    html = answer["html"]
    assert html.index(f'id="entry-{second.pk}"') < html.index(f'id="entry-{first.pk}"')
    assert "Bridge closed" in html and f'id="entry-{seen.pk}"' not in html


def test_a_post_changes_the_count_through_the_page_cache(
    client, django_assert_num_queries
):
    """A kept answer is served with no query, and a new post shows at once."""
    article = make_live_article()
    seen = make_entry(article)
    url = updates_url(article, seen.pk)
    assert client.get(url).json()["count"] == 0
    with django_assert_num_queries(0):
        assert client.get(url).json()["count"] == 0
    make_entry(article)
    assert client.get(url).json()["count"] == 1


def test_ending_the_coverage_shows_through_the_page_cache(client):
    """Once ended, the kept answer says so and offers nothing more."""
    article = make_live_article()
    seen = make_entry(article)
    make_entry(article)
    url = updates_url(article, seen.pk)
    assert client.get(url).json()["ended"] is False
    article.live_state = Article.LiveState.ENDED
    article.save()
    answer = client.get(url).json()
    assert answer == {"count": 0, "latest": seen.pk, "ended": True, "html": ""}


def test_the_answer_is_public_sets_no_cookie_and_lives_a_second_at_the_edge(client):
    """Shared caches may keep it one second; no cookie is set."""
    article = make_live_article()
    response = client.get(updates_url(article, 0))
    control = response["Cache-Control"]
    assert "public" in control and "s-maxage=1" in control
    assert get_max_age(response) == 1
    assert not response.cookies


def test_a_logged_in_editor_gets_a_private_answer(client):
    """Staff's answers are never kept by a shared cache."""
    client.force_login(make_editor())
    response = client.get(updates_url(make_live_article(), 0))
    assert "private" in response["Cache-Control"]
    assert "s-maxage" not in response["Cache-Control"]


def test_articles_that_are_not_live_coverage_or_not_published_have_no_updates(
    client,
):
    """Ordinary and unpublished articles answer 404."""
    assert client.get(updates_url(make_article(), 0)).status_code == 404
    draft = make_live_article(status=Article.Status.DRAFT)
    assert client.get(updates_url(draft, 0)).status_code == 404


@pytest.mark.parametrize("count", [2, 40])
def test_the_answer_costs_the_same_queries_however_many_entries_it_carries(
    client, django_assert_max_num_queries, count
):
    """
    New entries with their authors, pictures and cards are read in the
    same few queries whether there are 2 or 40 of them.
    """
    article = make_live_article()
    seen = make_entry(article)
    image = make_image()
    card = make_article(lead_image=make_image())
    for n in range(count):
        make_entry(
            article,
            authors=[make_author(), make_author()],
            body=f'<p>Update {n}</p><figure data-element="picture" '
            f'data-image="{image.pk}"></figure>'
            f'<aside data-element="read-more" data-article="{card.pk}"></aside>',
        )
    cache.clear()
    with django_assert_max_num_queries(UPDATES_QUERIES):
        answer = client.get(updates_url(article, seen.pk)).json()
    assert answer["count"] == count
    assert answer["html"].count('class="live-entry__byline"') == count
    assert answer["html"].count(card.title) == count


# The article, the new entries with their authors, what their bodies show.
UPDATES_QUERIES = 4
