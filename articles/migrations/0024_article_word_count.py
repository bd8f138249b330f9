import html
import re

from django.db import migrations, models
from django.utils.html import strip_tags


def count_words(body):
    """
    Words in body HTML as a reader sees them (tags and entities aside), as
    articles.body.count_words() counted them when this was written: a
    migration keeps its own copy, whatever the code later becomes.
    """
    return len(html.unescape(strip_tags(re.sub(r"<", " <", body or ""))).split())


def count_every_body(apps, schema_editor):
    """Each article's word count, from its body as saved."""
    Article = apps.get_model("articles", "Article")
    articles = Article.objects.only("pk", "body").order_by("pk")
    counted = []
    for article in articles.iterator(chunk_size=500):
        article.word_count = count_words(article.body)
        counted.append(article)
        if len(counted) == 500:
            Article.objects.bulk_update(counted, ["word_count"])
            counted = []
    Article.objects.bulk_update(counted, ["word_count"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0023_article_live_id_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="word_count",
            field=models.PositiveIntegerField(
                default=0,
                editable=False,
                help_text="Words in the body as a reader sees them (tags and "
                "entities aside), as last saved.",
            ),
        ),
        migrations.RunPython(count_every_body, migrations.RunPython.noop),
    ]
