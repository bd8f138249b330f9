"""
A GIN index over the full-text search document of live articles, so the
search page stays fast with hundreds of thousands of articles. PostgreSQL
only: other databases search with LIKE and get no index here.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models import Q

INDEX_NAME = "article_search_idx"


def search_index():
    # The same expression as articles.models.search_document(), frozen here.
    document = SearchVector("title", weight="A", config="english") + SearchVector(
        "standfirst", weight="B", config="english"
    )
    return GinIndex(document, name=INDEX_NAME, condition=Q(status="published"))


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    article = apps.get_model("articles", "Article")
    schema_editor.execute(search_index().create_sql(article, schema_editor))


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    article = apps.get_model("articles", "Article")
    schema_editor.execute(search_index().remove_sql(article, schema_editor))


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
