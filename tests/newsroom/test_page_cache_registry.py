"""
What the apps hand the page cache from their AppConfig.ready(): the models
their readers see, and when something goes live by itself.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from taggit.models import Tag

from articles.models import ArticleAuthor, Correction, TaggedArticle
from newsroom.cache import versions as page_cache
from newsroom.cache.versions import content_version, page_cache_seconds
from tests.factories import make_article, make_author
from tests.subscriptions.factories import make_newsletter

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return make_article()


def bumps(action):
    """True if `action()` drops every cached page (a new content version)."""
    before = content_version()
    action()
    return content_version() != before


def test_bulk_writes_of_bylines_tags_and_corrections_drop_the_cached_pages(article):
    """Bulk writes send no signal; their querysets drop the pages themselves."""
    author, tag = make_author(), Tag.objects.create(name="Harbour")
    assert bumps(
        lambda: ArticleAuthor.objects.bulk_create(
            [ArticleAuthor(article=article, author=author, role="writer")]
        )
    )
    assert bumps(
        lambda: TaggedArticle.objects.bulk_create(
            [TaggedArticle(content_object=article, tag=tag)]
        )
    )
    assert bumps(
        lambda: Correction.objects.bulk_create(
            [Correction(article=article, text="A fix.", corrected_at=timezone.now())]
        )
    )
    assert bumps(lambda: ArticleAuthor.objects.update(role="reporter"))


def test_each_app_registers_the_models_its_readers_see(article):
    """Articles from the articles app, newsletters from subscriptions."""
    assert bumps(lambda: article.save())
    assert bumps(make_newsletter)


def test_no_page_outlives_the_earliest_change_an_app_registered(settings):
    """A registered source of scheduled changes caps every page's lifetime."""
    settings.PAGE_CACHE_SECONDS = 300
    soon = timezone.now() + timedelta(seconds=40)

    def source():
        return soon

    page_cache.page_cache_schedule(source)
    try:
        assert 0 < page_cache_seconds(content_version()) <= 40
    finally:
        page_cache._schedules.remove(source)
    assert page_cache_seconds(content_version() + 1) == 300
