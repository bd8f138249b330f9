"""
The stored search document: a denormalised copy of each article's byline
names, and on PostgreSQL a generated tsvector column over headline,
standfirst, body and byline names with a GIN index (replacing the index over
headline and standfirst), plus pg_trgm and a trigram index on headlines for
"Did you mean". SQLite gets the columns (the document is NULL there) and no
indexes.
"""

import django.contrib.postgres.search
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

import articles.search

SEARCH_INDEX = GinIndex(fields=["search_vector"], name="article_search_vector_idx")
TITLE_TRIGRAM_INDEX = GinIndex(
    OpClass("title", name="gin_trgm_ops"), name="article_title_trgm_idx"
)


def copy_byline_names(apps, schema_editor):
    article = apps.get_model("articles", "Article")
    byline = apps.get_model("articles", "ArticleAuthor")
    ordered = schema_editor.connection.features.supports_aggregate_order_by_clause
    names = models.Subquery(
        byline.objects.filter(article=models.OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(
            names=models.StringAgg(
                "author__name",
                delimiter=models.Value(" "),
                order_by=("position", "pk") if ordered else None,
            )
        )
        .values("names")
    )
    article.objects.filter(bylines__isnull=False).distinct().update(
        byline_names=names
    )


def postgresql_indexes(create):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        article = apps.get_model("articles", "Article")
        for index in (SEARCH_INDEX, TITLE_TRIGRAM_INDEX):
            if create:
                schema_editor.add_index(article, index)
            else:
                schema_editor.remove_index(article, index)
        old = "article_search_idx"
        if create:
            schema_editor.execute(f"DROP INDEX IF EXISTS {old}")

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_share_links_and_openings")]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name="article",
            name="byline_names",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="The byline's names, kept current from the bylines for "
                "search.",
            ),
        ),
        migrations.RunPython(copy_byline_names, migrations.RunPython.noop),
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=articles.search.SearchDocument(),
                output_field=django.contrib.postgres.search.SearchVectorField(
                    null=True
                ),
            ),
        ),
        migrations.RunPython(postgresql_indexes(True), postgresql_indexes(False)),
    ]
