"""
The page cache: anonymous readers get public reading pages from the cache
with no query, any reader-visible change shows on the next request, and
logged-in staff, cookies and scheduled publications are never served stale.
"""

import os
import re
import time
import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleAuthor
from newsroom.cache.versions import content_version, page_cache_seconds
from tests.factories import make_article, make_author, make_correction, make_editor
from tests.newsroom.test_cache import DEAD_REDIS_URL, redis_cache
from tests.subscriptions.factories import make_newsletter

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/10")


@pytest.fixture(autouse=True)
def _page_cache(settings):
    """The page cache on, in a local-memory cache of this test's own."""
    settings.PAGE_CACHE_SECONDS = 300
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"page-cache-{uuid.uuid4().hex}",
        }
    }


def cached_pages():
    """Keys of the pages in this test's local-memory cache."""
    page = re.compile(r"pages:page:[0-9a-f]{16}:[0-9a-f]{64}$")
    return [key for key in cache._cache if page.search(key)]


@pytest.fixture
def article():
    author = make_author(name="Aoife Byrne")
    return make_article(authors=[author], tags=["Harbour"])


def reading_urls(article):
    return [
        reverse("articles:home"),
        article.section.get_absolute_url(),
        article.get_absolute_url(),
        article.authors.get().get_absolute_url(),
        reverse("articles:tag", args=["harbour"]),
        reverse("subscriptions:newsletters"),
    ]


def test_a_second_anonymous_request_of_each_reading_page_costs_no_query(
    client, article, django_assert_num_queries
):
    make_newsletter()
    for url in reading_urls(article):
        first = client.get(url)
        assert first.status_code == 200
        with django_assert_num_queries(0):
            second = client.get(url)
        assert second.status_code == 200
        assert second.content == first.content
        assert second["Content-Type"] == first["Content-Type"]
        assert second["Cache-Control"] == first["Cache-Control"]
        assert not second.cookies


def test_head_requests_are_served_from_the_cache(
    client, article, django_assert_num_queries
):
    client.get(article.get_absolute_url())
    assert len(cached_pages()) == 1
    with django_assert_num_queries(0):
        assert client.head(article.get_absolute_url()).status_code == 200


def test_saving_an_article_shows_on_the_next_request(client, article):
    client.get(article.get_absolute_url())
    client.get(reverse("articles:home"))
    article.title = "Harbour plan withdrawn"
    article.save()
    assert "Harbour plan withdrawn" in client.get(article.get_absolute_url()).text
    assert "Harbour plan withdrawn" in client.get(reverse("articles:home")).text


def test_bulk_updates_of_articles_show_on_the_next_request(client, article):
    client.get(article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(title="Harbour plan delayed")
    assert "Harbour plan delayed" in client.get(article.get_absolute_url()).text


@pytest.mark.parametrize(
    "change, shown",
    [
        (
            lambda a: ArticleAuthor.objects.create(
                article=a, author=make_author(name="Ciarán Walsh"), position=1
            ),
            "Ciarán Walsh",
        ),
        (lambda a: a.tags.add("Ferry timetable"), "Ferry timetable"),
        (lambda a: make_correction(a, text="The vote was on Monday."), "on Monday"),
    ],
)
def test_bylines_tags_and_corrections_show_on_the_next_request(
    client, article, change, shown
):
    url = article.get_absolute_url()
    assert shown not in client.get(url).text
    change(article)
    assert shown in client.get(url).text


def test_renaming_a_section_or_an_author_shows_on_the_next_request(client, article):
    url = article.get_absolute_url()
    client.get(url)
    section = article.section
    section.name = "Harbour and Coast"
    section.save()
    assert "Harbour and Coast" in client.get(url).text
    author = article.authors.get()
    author.name = "Aoife Byrne-Walsh"
    author.save()
    assert "Aoife Byrne-Walsh" in client.get(url).text


def test_a_newsletter_change_shows_on_the_next_request(client, article):
    newsletter = make_newsletter(name="Morning Briefing")
    url = article.get_absolute_url()
    assert "Morning Briefing" in client.get(url).text
    newsletter.name = "Evening Briefing"
    newsletter.save()
    assert "Evening Briefing" in client.get(url).text


def test_deleting_a_tag_shows_on_the_next_request(client, article):
    url = article.get_absolute_url()
    assert "Harbour" in client.get(url).text
    article.tags.clear()
    assert client.get(reverse("articles:tag", args=["harbour"])).status_code == 404


def test_a_logged_in_editor_is_never_served_nor_fills_the_cache(
    client, article, settings
):
    # Pages rendered whole, so that the change below shows once rendered.
    settings.FRAGMENT_CACHE_SECONDS = 0
    url = article.get_absolute_url()
    anonymous = Client()
    anonymous.get(url)  # now cached for anonymous readers
    # A change behind the cache's back: the cached page is now stale.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_article SET title = %s WHERE id = %s",
            ["Seen by the editor", article.pk],
        )
    assert "Seen by the editor" not in anonymous.get(url).text
    client.force_login(make_editor())
    response = client.get(url)
    assert "Seen by the editor" in response.text
    assert "private" in response["Cache-Control"]
    # Nor is the editor's page cached for others.
    cache.clear()
    client.get(url)
    assert cached_pages() == []


def test_a_response_that_sets_a_cookie_is_not_cached(client, article, monkeypatch):
    from articles.views import ArticleDetailView

    def with_cookie(self, context, **kwargs):
        response = original(self, context, **kwargs)
        response.set_cookie("seen", "yes")
        return response

    original = ArticleDetailView.render_to_response
    monkeypatch.setattr(ArticleDetailView, "render_to_response", with_cookie)
    url = article.get_absolute_url()
    assert client.get(url).cookies["seen"].value == "yes"
    client.cookies.clear()
    assert client.get(url).cookies["seen"].value == "yes"
    assert cached_pages() == []


def test_search_pages_are_not_cached(client, article, django_assert_max_num_queries):
    url = reverse("articles:search") + "?q=harbour"
    client.get(url)
    with django_assert_max_num_queries(20) as captured:
        client.get(url)
    assert len(captured) > 0


def test_the_page_lifetime_ends_at_the_next_scheduled_publication():
    make_article(published_at=timezone.now() + timedelta(seconds=30))
    make_article(published_at=timezone.now() + timedelta(hours=2))
    assert 0 < page_cache_seconds(content_version()) <= 30


def test_the_page_lifetime_is_the_setting_without_a_schedule(settings):
    settings.PAGE_CACHE_SECONDS = 120
    make_article()
    assert page_cache_seconds(content_version()) == 120


def test_a_scheduled_article_appears_on_time_despite_the_cache(client, article):
    """A page cached just before a publication is not kept past it."""
    make_article(
        title="Ferry strike called off",
        published_at=timezone.now() + timedelta(seconds=1),
    )
    home = reverse("articles:home")
    response = client.get(home)
    assert "Ferry strike called off" not in response.text
    later = timezone.now() + timedelta(seconds=2)
    while timezone.now() < later:
        pass
    assert "Ferry strike called off" in client.get(home).text


def test_a_zero_setting_turns_the_page_cache_off(
    client, article, settings, django_assert_max_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 0  # a render then runs queries
    client.get(article.get_absolute_url())
    with django_assert_max_num_queries(20) as captured:
        client.get(article.get_absolute_url())
    assert len(captured) > 0


def test_pages_answer_when_redis_is_down(client, article, settings):
    settings.CACHES = redis_cache(DEAD_REDIS_URL)
    for url in reading_urls(article):
        assert client.get(url).status_code == 200
        assert client.get(url).status_code == 200
    article.title = "Saved while Redis is down"
    article.save()
    assert "Saved while Redis is down" in client.get(article.get_absolute_url()).text


def test_a_hit_on_a_running_redis_costs_no_query(
    client, article, settings, django_assert_num_queries
):
    settings.CACHES = redis_cache(REDIS_URL)
    url = article.get_absolute_url()
    first = client.get(url)
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.content == first.content
    article.title = "Changed on Redis"
    article.save()
    assert "Changed on Redis" in client.get(url).text


def test_the_next_publication_is_looked_up_again_once_it_is_live():
    """A remembered publication time that has passed is not the next one."""
    version = content_version()
    cache.set(f"pages:{version}:next-publication", time.time() - 5)
    make_article(published_at=timezone.now() + timedelta(seconds=40))
    assert 30 < page_cache_seconds(version) <= 40


def test_even_the_first_miss_after_a_change_keeps_the_article_page_budget(
    client, article, django_assert_max_num_queries
):
    """
    The first miss after a change also looks up the next publication time,
    and still stays within the article page's budget of 10
    (tests/articles/test_queries.py); later misses reuse that time.
    """
    other = make_article(authors=[make_author()], section=article.section)
    with django_assert_max_num_queries(10):
        assert client.get(article.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(other.get_absolute_url()).status_code == 200
