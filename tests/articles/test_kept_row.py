"""
The article page keeps its own row as the database gave it, plain values
(ArticleManager.page_row_values), not as the instances a render leaves, and
builds the article from it as a cold render does (from_page_row): a page
served from its parts read back from the cache, which pickles them, is the
page rendered cold, byte for byte, whatever its body shows.
"""

import datetime
import decimal
import uuid

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles.views import ArticleDetailView
from newsroom.cache import Fragments, content_version, fragment_seconds
from tests.articles.test_body_elements import small_image
from tests.factories import (
    make_article,
    make_author,
    make_correction,
    make_resolved_embed,
    make_section,
)
from tests.kept import forget_everything_kept
from tests.newsroom.test_cache import REDIS_URL, redis_cache

pytestmark = pytest.mark.django_db

# What a row as the database gives it holds, on PostgreSQL as on SQLite.
PLAIN = (
    type(None),
    bool,
    int,
    float,
    str,
    bytes,
    datetime.date,
    datetime.time,
    decimal.Decimal,
    uuid.UUID,
)


def ordinary():
    """Bylines with a bio, tags, a lead picture and a correction."""
    section = make_section()
    make_article(section=section, lead_image=small_image())  # more in section
    make_article(tags=["Harbour"])  # related reading
    article = make_article(
        section=section,
        authors=[make_author(name="Jane Doe", bio="Jane Doe covers the council.")],
        tags=["Harbour", "Council"],
        lead_image=small_image(),
    )
    make_correction(article)
    return article


def with_a_gallery():
    pictures = [small_image(caption=f"Picture {n}") for n in range(5)]
    body = (
        '<p>Before.</p><figure data-element="gallery">'
        + "".join(
            f'<figure data-element="picture" data-image="{p.pk}">'
            f"<figcaption>{p.caption}</figcaption></figure>"
            for p in pictures
        )
        + "</figure><p>After.</p>"
    )
    return make_article(body=body, authors=[make_author()], tags=["Gallery"])


def with_links_and_embeds():
    """'Read more' cards (with and without a picture) and embeds."""
    cards = [
        make_article(title="With a picture", lead_image=small_image()),
        make_article(title="Without a picture"),
    ]
    resolved = make_resolved_embed(resolved_at=timezone.now())
    body = (
        "<p>The council met.</p>"
        + "".join(
            f'<aside data-element="read-more" data-article="{a.pk}"></aside>'
            for a in cards
        )
        + "".join(
            f'<figure data-element="embed" data-url="{url}"></figure>'
            for url in (resolved.url, "https://vimeo.com/1")
        )
    )
    return make_article(body=body, lead_image=small_image(), authors=[make_author()])


@pytest.fixture(params=[ordinary, with_a_gallery, with_links_and_embeds])
def article(request):
    return request.param()


def kept_parts(url):
    """The article page's parts kept in the cache, as the view reads them."""
    version = content_version()
    return Fragments(
        ArticleDetailView.fragment_names, version, fragment_seconds(version), (url, 1)
    ).found


def cold_render(client, url, redis):
    if not redis:  # a Redis cache keeps this test's keys apart (its own prefix)
        forget_everything_kept()
    response = client.get(url)
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize("redis", [False, True], ids=["local-memory", "redis"])
def test_a_page_from_its_kept_parts_is_its_cold_render(
    client, article, redis, settings, django_assert_num_queries
):
    if redis:
        settings.CACHES = redis_cache(REDIS_URL)
    url = article.get_absolute_url()
    cold = cold_render(client, url, redis)
    parts = kept_parts(url)
    assert set(parts) == set(ArticleDetailView.fragment_names)
    row = parts["article-row"]
    assert type(row) is tuple
    assert all(isinstance(value, PLAIN) for value in row)
    with django_assert_num_queries(0):
        warm = client.get(url)
    assert warm.content == cold


def test_a_page_from_its_kept_row_alone_is_its_cold_render(
    client, article, django_assert_max_num_queries
):
    """
    Its parts rendered afresh around the article built from the kept row
    (its bylines, tags and references from the lists the row carries) are
    those of the cold render, which read the row itself.
    """
    url = article.get_absolute_url()
    forget_everything_kept()
    with django_assert_max_num_queries(10) as read:
        cold = client.get(url).content
    version = content_version()
    key = Fragments(
        ArticleDetailView.fragment_names, version, fragment_seconds(version), (url, 1)
    ).page_key
    cache.set(key, {"article-row": kept_parts(url)["article-row"]})
    with django_assert_max_num_queries(len(read) - 1):
        again = client.get(url).content
    assert again == cold
