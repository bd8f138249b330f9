"""
One table of redirects: the articles' old addresses (ArticleRedirect) move
into it, pointing at their articles, beside redirects made by hand. Writers
and editors manage redirects; only editors send readers to other sites.
"""

import django.db.models.deletion
from django.db import migrations, models

from articles.roles import grant_roles

# Frozen as granted here; articles.roles is the live table.
ROLES = {
    "Writer": {
        "articles": {"redirect": ["view", "add", "change", "delete"]},
    },
    "Editor": {
        "articles": {
            "redirect": ["view", "add", "change", "delete", "offsite_redirect"],
        },
    },
}


def move_article_redirects(apps, schema_editor):
    ArticleRedirect = apps.get_model("articles", "ArticleRedirect")
    Redirect = apps.get_model("articles", "Redirect")
    rows = ArticleRedirect.objects.order_by("pk").values_list(
        "old_path", "article_id", "created_at"
    )
    for old_path, article_id, created_at in rows.iterator():
        redirect = Redirect.objects.create(
            old_path=old_path, article_id=article_id, status=301, target=""
        )
        # auto_now_add would put the moment of the migration.
        Redirect.objects.filter(pk=redirect.pk).update(created_at=created_at)


def move_back(apps, schema_editor):
    ArticleRedirect = apps.get_model("articles", "ArticleRedirect")
    Redirect = apps.get_model("articles", "Redirect")
    for old_path, article_id in Redirect.objects.filter(
        article__isnull=False
    ).values_list("old_path", "article_id"):
        ArticleRedirect.objects.create(old_path=old_path, article_id=article_id)


def grant_redirect_permissions(apps, schema_editor):
    grant_roles(ROLES, apps, exactly=False)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_image_tags"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="Redirect",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "old_path",
                    models.CharField(
                        help_text="A path on this site, such as /2019/05/old-story/ or /?p=123.",
                        max_length=600,
                        unique=True,
                        verbose_name="old address",
                    ),
                ),
                (
                    "status",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (301, "301 Moved permanently"),
                            (302, "302 Found (temporary)"),
                            (410, "410 Gone"),
                        ],
                        default=301,
                    ),
                ),
                (
                    "target",
                    models.CharField(
                        blank=True,
                        help_text="A path on this site (/news/new-story/) or, for editors, an address on another site (https://…). Empty for 410 Gone.",
                        max_length=2000,
                        verbose_name="new address",
                    ),
                ),
                ("hits", models.PositiveIntegerField(default=0, editable=False)),
                (
                    "last_hit_at",
                    models.DateTimeField(
                        editable=False, null=True, verbose_name="last hit"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "article",
                    models.ForeignKey(
                        blank=True,
                        help_text="Made when the article moved: answers with its current address.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="articles.article",
                    ),
                ),
            ],
            options={
                "ordering": ["old_path"],
                "permissions": [("offsite_redirect", "Can redirect to other sites")],
            },
        ),
        migrations.AddConstraint(
            model_name="redirect",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status", 410),
                    ("article__isnull", False),
                    models.Q(("target", ""), _negated=True),
                    _connector="OR",
                ),
                name="redirect_has_somewhere_to_go",
                violation_error_message="A redirect needs a new address.",
            ),
        ),
        migrations.RunPython(move_article_redirects, move_back),
        migrations.DeleteModel(name="ArticleRedirect"),
        migrations.AlterField(
            model_name="redirect",
            name="article",
            field=models.ForeignKey(
                blank=True,
                help_text="Made when the article moved: answers with its current address.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="redirects",
                to="articles.article",
            ),
        ),
        migrations.RunPython(grant_redirect_permissions, migrations.RunPython.noop),
    ]
