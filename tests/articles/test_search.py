"""The search page: live articles matching the reader's words."""

import pytest
from django.contrib.postgres.indexes import GinIndex
from django.db import connection
from django.db.models import Q
from django.urls import reverse

from articles.models import Article, search_document
from tests.factories import make_article
from tests.html import parse, text

pytestmark = pytest.mark.django_db


def result_titles(client, query, **params):
    response = client.get(reverse("articles:search"), {"q": query, **params})
    assert response.status_code == 200
    return [text(a) for a in parse(response).select(".card__title a")]


def test_search_finds_live_articles_by_headline_or_standfirst(client):
    """A word in the headline or the standfirst finds the article."""
    make_article(title="Harbour plan approved", standfirst="Councillors voted.")
    make_article(title="Budget day", standfirst="The harbour gets new money.")
    make_article(title="Cup final", standfirst="A late goal.")
    assert sorted(result_titles(client, "harbour")) == [
        "Budget day",
        "Harbour plan approved",
    ]


def test_search_needs_every_word(client):
    """Two words find the articles that have both."""
    make_article(title="Harbour plan approved", standfirst="Council voted.")
    make_article(title="Harbour closed for storm", standfirst="Boats stay in.")
    assert result_titles(client, "harbour council") == ["Harbour plan approved"]


def test_search_ignores_case(client):
    """Capitals in the query or the text make no difference."""
    make_article(title="GALWAY wins the cup")
    assert result_titles(client, "galway") == ["GALWAY wins the cup"]


def test_search_never_shows_unpublished_articles(client):
    """Drafts, reviews and scheduled pieces are not found."""
    make_article(title="Secret harbour draft", status=Article.Status.DRAFT)
    make_article(title="Secret harbour review", status=Article.Status.REVIEW)
    assert result_titles(client, "secret harbour") == []


def test_search_page_without_a_query_shows_the_form_only(client):
    """An empty or blank query lists nothing and runs no search."""
    make_article(title="Anything")
    for query in ("", "   "):
        page = parse(client.get(reverse("articles:search"), {"q": query}))
        assert page.select_one('form[role="search"] input[name="q"]')
        assert page.select(".card") == []
        assert page.select_one(".search-summary") is None


def test_search_page_says_how_many_matched_and_keeps_the_query(client):
    """The count is announced and the box keeps what the reader typed."""
    make_article(title="Harbour one")
    make_article(title="Harbour two")
    page = parse(client.get(reverse("articles:search"), {"q": "harbour"}))
    assert text(page.select_one(".search-summary")) == "2 results for “harbour”"
    assert page.select_one('input[name="q"]')["value"] == "harbour"
    page = parse(client.get(reverse("articles:search"), {"q": "nothing-like-it"}))
    assert text(page.select_one(".search-summary")) == "0 results for “nothing-like-it”"
    assert "Nothing matched" in text(page.select_one(".empty"))


def test_search_results_are_paginated_keeping_the_query(client):
    """The next page link carries ?q= along with ?page=."""
    for n in range(23):
        make_article(title=f"Harbour story {n}")
    page = parse(client.get(reverse("articles:search"), {"q": "harbour"}))
    assert len(page.select(".card")) == 20
    assert page.select_one('a[rel="next"]')["href"] == "?q=harbour&page=2"
    assert len(result_titles(client, "harbour", page=2)) == 3


def test_postgresql_indexes_exactly_what_search_matches(client):
    """On PostgreSQL the search document of live articles has a GIN index
    whose expression is the one search() queries (so it can be used); other
    databases get no such index."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, Article._meta.db_table
        )
    if connection.vendor != "postgresql":
        assert "article_search_idx" not in constraints
        return
    assert constraints["article_search_idx"]["type"] == "gin"
    # Let PostgreSQL normalise both: the migrated index and one built now
    # from the expression search() uses.
    current = GinIndex(
        search_document(), name="article_search_now", condition=Q(status="published")
    )
    with connection.schema_editor(atomic=False) as editor:
        editor.execute(current.create_sql(Article, editor))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_indexdef('article_search_idx'::regclass),"
            " pg_get_indexdef('article_search_now'::regclass)"
        )
        migrated, now = cursor.fetchone()
    assert migrated == now.replace("article_search_now", "article_search_idx")
