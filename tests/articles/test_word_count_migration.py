"""Migration 0024 counts the words of every article saved before it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("articles", "0023_article_live_id_index")
AFTER = ("articles", "0024_article_word_count")


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


def test_articles_saved_before_get_their_body_counted(executor):
    old = models_at(executor, BEFORE)
    Section = old.get_model("articles", "Section")
    Article = old.get_model("articles", "Article")
    section = Section.objects.create(name="News", slug="news")
    bodies = {
        "counted": "<p>Rates&nbsp;rise</p><p>again &amp; again</p>",
        "empty": "",
    }
    for slug, body in bodies.items():
        Article.objects.create(title=slug, slug=slug, section=section, body=body)

    new = models_at(executor, AFTER)

    counts = dict(
        new.get_model("articles", "Article").objects.values_list("slug", "word_count")
    )
    assert counts == {"counted": 5, "empty": 0}
