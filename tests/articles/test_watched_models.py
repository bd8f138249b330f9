"""
Every model a public page reads is watched: its changes drop the kept pages
because the model is declared ReaderVisible (newsroom.cache.readers), not
because someone remembered to list it. Each public page is rendered from an
empty cache and every table its SQL touches is mapped back to its model.
"""

import re

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import FrontPagePin, FrontPageSlot
from newsroom.cache import readers
from tests.factories import (
    make_article,
    make_author,
    make_correction,
    make_image,
    make_section,
)
from tests.subscriptions.factories import make_newsletter

pytestmark = pytest.mark.django_db

# Models public pages read whose rows readers never see, each with the reason
# (none today: anonymous pages touch no session, user or subscription).
NOT_SHOWN = {}

TABLE = re.compile(r'(?:FROM|JOIN)\s+"?(\w+)"?', re.IGNORECASE)


@pytest.fixture
def paper():
    section = make_section(name="Harbour", slug="harbour")
    author = make_author(name="Aoife Byrne", slug="aoife-byrne", photo=make_image())
    article = make_article(
        section=section,
        authors=[author],
        tags=["Ferries"],
        lead_image=make_image(),
        title="Ferry timetable changes",
    )
    make_correction(article)
    slot = FrontPageSlot.objects.create(kind=FrontPageSlot.Kind.TOP)
    FrontPagePin.objects.create(slot=slot, article=article, position=0)
    make_newsletter(name="News Wrap")
    return article


def public_pages(article):
    section, author = article.section.slug, article.authors.get().slug
    return [
        "/",
        f"/{section}/",
        article.get_absolute_url(),
        f"/authors/{author}/",
        "/tags/ferries/",
        "/search/?q=ferry",
        "/feeds/rss/",
        f"/feeds/{section}/rss/",
        f"/feeds/authors/{author}/atom/",
        "/feeds/tags/ferries/rss/",
        "/sitemap.xml",
        "/sitemap-news.xml",
        *(f"/sitemap-{name}.xml" for name in ("sections", "articles", "authors")),
        "/sitemap-tags.xml",
        "/newsletters/",
    ]


def models_read(client, url):
    tables = {model._meta.db_table: model for model in apps.get_models()}
    cache.clear()  # kept parts would hide what the page reads
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    found = set()
    for query in queries:
        for table in TABLE.findall(query["sql"]):
            if table in tables:
                found.add(tables[table]._meta.label)
    return found


def test_every_model_a_public_page_reads_is_watched(client, paper):
    unwatched = {}
    for url in public_pages(paper):
        for label in models_read(client, url):
            if label not in readers.watched and label not in NOT_SHOWN:
                unwatched.setdefault(label, []).append(url)
    assert unwatched == {}, (
        "Readers see these models but changing them keeps old pages: declare "
        "them ReaderVisible (newsroom.cache.readers)."
    )


def test_the_pages_read_the_models_the_check_relies_on(client, paper):
    """The check above sees the models it must (the page data is complete)."""
    read = set()
    for url in public_pages(paper):
        read |= models_read(client, url)
    assert {
        "articles.Article",
        "articles.ArticleAuthor",
        "articles.Author",
        "articles.Correction",
        "articles.Image",
        "articles.Section",
        "articles.TaggedArticle",
        "articles.FrontPageSlot",
        "articles.FrontPagePin",
        "taggit.Tag",
        "subscriptions.Newsletter",
    } <= read
