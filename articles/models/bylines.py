"""
Bylines: the names on an article, in order, with the part each played. Every
way of writing them keeps the article's `byline_names` (which search reads)
current.
"""

from django.apps import apps
from django.db import models

from newsroom.cache import ReaderVisible, ReaderVisibleQuerySet
from newsroom.rows import BuiltFromRows

from .prefetched import keep_prefetched
from .taxonomy import Author


def bylines_in_order():
    """
    Prefetch of an article's bylines with their authors, in byline order.
    Cards read theirs with their articles (ArticleQuerySet.for_listing).
    """
    bylines = ArticleAuthor.objects.select_related("author").order_by("position", "pk")
    return models.Prefetch("bylines", queryset=bylines)


def bylines_from_row(article):
    """
    The bylines of `article`, with their authors, in byline order, from its
    row's `byline_list` column (ArticleQuerySet.with_byline_list): no query
    of their own, and none to build. Cards get theirs so as they are read
    (ArticleQuerySet.for_listing), as `listed_bylines`.
    """
    bylines = []
    article_field = ArticleAuthor._meta.get_field("article")
    author_field = ArticleAuthor._meta.get_field("author")
    db = article._state.db
    for byline_id, author_id, role, position, *shown in article.byline_list:
        byline = ArticleAuthor.from_db(
            db, LISTED_BYLINE, [byline_id, article.pk, author_id, role, position]
        )
        values = [author_id, *shown]  # name, slug and, if read, bio
        author = Author.from_db(db, LISTED_AUTHOR[: len(values)], values)
        article_field.set_cached_value(byline, article)
        author_field.set_cached_value(byline, author)
        bylines.append(byline)
    return bylines


def shown_bylines(article):
    """
    The byline as cards and pages write it (articles.cards.byline_html):
    (author id, name, slug, role) of each name, in byline order, as plain
    values. From the row's `byline_list` (ArticleQuerySet.with_byline_list,
    in byline order already) while its bylines were not built: a card never
    builds a byline or an author, which took a tenth of a cold article page.
    Else from Article.ordered_bylines().
    """
    if bylines_beside_row(article):
        return [
            (author_id, name, slug, role)
            for _, author_id, role, _, name, slug, *_ in article.byline_list
        ]
    return byline_records(article.ordered_bylines())


def bylines_beside_row(article):
    """
    Whether `article`'s bylines are still to be read from its row's
    `byline_list` (ArticleQuerySet.with_byline_list): it has one, and its
    bylines were neither prefetched nor built from it.
    """
    prefetched = getattr(article, "_prefetched_objects_cache", {})
    return (
        "listed_bylines" not in article.__dict__
        and "bylines" not in prefetched
        and hasattr(article, "byline_list")
    )


def byline_records(bylines):
    """shown_bylines() of `bylines`, ArticleAuthor rows in byline order."""
    return [(b.author.pk, b.author.name, b.author.slug, str(b.role)) for b in bylines]


# What a `byline_list` gives each byline and its author, in the models'
# field order (Model.from_db); the author's other columns (and the bio,
# unless asked for) are left deferred (read if ever asked for).
LISTED_BYLINE = ["id", "article_id", "author_id", "role", "position"]
LISTED_AUTHOR = ["id", "name", "slug", "bio"]


def keep_bylines(article):
    """
    The bylines of `article`, with their authors, in byline order, where
    prefetch_related_objects(bylines_in_order()) leaves them
    (`article.bylines.all()`), unless already there: from its row's
    `byline_list` when it has one (bylines_from_row), else in one plain query.
    """
    if hasattr(article, "byline_list"):
        keep_prefetched(article, "bylines", lambda: bylines_from_row(article))
    else:
        # Through its manager, so each byline's article is this one.
        bylines = article.bylines.select_related("author")
        keep_prefetched(article, "bylines", bylines.order_by("position", "pk"))


class ArticleAuthorQuerySet(ReaderVisibleQuerySet):
    # Every way of writing bylines keeps Article.byline_names current, bulk
    # ones included (the demo loader inserts bylines in bulk).

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        self._refresh_articles({byline.article_id for byline in created})
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        updated = super().bulk_update(objs, fields, *args, **kwargs)
        self._refresh_articles({byline.article_id for byline in objs})
        return updated

    def update(self, **kwargs):
        ids = list(self.values_list("pk", flat=True))
        articles = set(self.values_list("article_id", flat=True))
        updated = super().update(**kwargs)
        moved_to = ArticleAuthor.objects.filter(pk__in=ids).values_list(
            "article_id", flat=True
        )
        self._refresh_articles(articles | set(moved_to))
        return updated

    def delete(self):
        articles = set(self.values_list("article_id", flat=True))
        deleted = super().delete()
        self._refresh_articles(articles)
        return deleted

    @staticmethod
    def _refresh_articles(ids):
        ids = {pk for pk in ids if pk is not None}
        if ids:
            # By name: the Article model's module imports this one.
            Article = apps.get_model("articles", "Article")
            Article.objects.filter(pk__in=ids).refresh_byline_names()


class ArticleAuthor(BuiltFromRows, ReaderVisible, models.Model):
    """One name in an article's byline, in order, with the part they played."""

    class Role(models.TextChoices):
        WRITER = "writer", "Writer"
        REPORTER = "reporter", "Reporter"
        CORRESPONDENT = "correspondent", "Correspondent"
        PHOTOGRAPHER = "photographer", "Photographer"
        TRANSLATOR = "translator", "Translator"
        AGENCY = "agency", "Agency"

    article = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="bylines"
    )
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    role = models.CharField(max_length=15, choices=Role, default=Role.WRITER)
    position = models.PositiveSmallIntegerField(default=0)

    objects = ArticleAuthorQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "byline"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author"], name="article_author_unique"
            )
        ]
        indexes = [models.Index(fields=["author", "article"])]

    def __str__(self):
        return f"{self.author} ({self.get_role_display()})"

    def save(self, *args, **kwargs):
        previous = (
            ArticleAuthor.objects.filter(pk=self.pk).values_list("article", flat=True)
            if self.pk
            else []
        )
        super().save(*args, **kwargs)
        ArticleAuthorQuerySet._refresh_articles({self.article_id, *previous})

    def delete(self, *args, **kwargs):
        article_id = self.article_id
        deleted = super().delete(*args, **kwargs)
        ArticleAuthorQuerySet._refresh_articles({article_id})
        return deleted
