"""
Migration 0016 moves the articles' old addresses into the one redirects
table, pointing at their articles, with the moment each was made.
"""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("articles", "0016_image_tags")
AFTER = ("articles", "0017_redirects")


@pytest.fixture
def executor():
    """Migrations run here; the database ends at the latest whatever happens."""
    yield MigrationExecutor(connection)
    latest = MigrationExecutor(connection)
    latest.migrate(latest.loader.graph.leaf_nodes())


def models_at(executor, target):
    executor.migrate([target])
    executor.loader.build_graph()
    return executor.loader.project_state([target]).apps


def test_old_article_addresses_become_redirects_to_their_articles(executor):
    old = models_at(executor, BEFORE)
    Section = old.get_model("articles", "Section")
    Article = old.get_model("articles", "Article")
    ArticleRedirect = old.get_model("articles", "ArticleRedirect")
    section = Section.objects.create(name="News", slug="news")
    article = Article.objects.create(
        title="Harbour plan approved",
        slug="harbour-plan-approved",
        section=section,
        status="published",
        published_at=datetime(2026, 1, 5, 9, tzinfo=UTC),
    )
    made = datetime(2026, 2, 1, 12, tzinfo=UTC)
    for path in ("/news/harbour-plan/", "/business/harbour-plan-approved/"):
        row = ArticleRedirect.objects.create(old_path=path, article=article)
        ArticleRedirect.objects.filter(pk=row.pk).update(created_at=made)

    new = models_at(MigrationExecutor(connection), AFTER)
    Redirect = new.get_model("articles", "Redirect")

    assert sorted(
        Redirect.objects.values_list(
            "old_path", "article_id", "status", "target", "hits", "created_at"
        )
    ) == [
        ("/business/harbour-plan-approved/", article.pk, 301, "", 0, made),
        ("/news/harbour-plan/", article.pk, 301, "", 0, made),
    ]
