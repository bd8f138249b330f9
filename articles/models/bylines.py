"""
Bylines: the names on an article, in order, with the part each played. Every
way of writing them keeps the article's `byline_names` (which search reads)
current.
"""

from django.apps import apps
from django.db import models

from newsroom.cache import ReaderVisible, ReaderVisibleQuerySet

from .taxonomy import Author

# What a card's byline (includes/byline.html, Article.card_fingerprint) shows
# of each name: the author's bio, role and photo stay in the database.
CARD_BYLINE_FIELDS = [
    "article",
    "author",
    "role",
    "position",
    "author__name",
    "author__slug",
]


def bylines_in_order(for_cards=False):
    """
    Prefetch of an article's bylines with their authors, in byline order;
    `for_cards`, only what a card shows of them (CARD_BYLINE_FIELDS), as a
    plain list in `listed_bylines` (Article.ordered_bylines() reads it):
    giving each article a queryset of its own, as `bylines` needs, cost
    more than reading them.
    """
    bylines = ArticleAuthor.objects.select_related("author").order_by("position", "pk")
    if for_cards:
        bylines = bylines.only(*CARD_BYLINE_FIELDS)
        return models.Prefetch("bylines", queryset=bylines, to_attr="listed_bylines")
    return models.Prefetch("bylines", queryset=bylines)


def keep_bylines(article, cards):
    """
    The bylines of `article` and of its `cards`, with their authors, in
    byline order: the article's where prefetch_related_objects(
    bylines_in_order()) leaves them (`article.bylines.all()`, unless
    already there), each card's as a plain list in `listed_bylines`, as
    for_cards reads them. From their rows' `byline_list` column
    (ArticleQuerySet.with_byline_list) when each has one, so they cost no
    query of their own; else in one plain query for them all. (The
    prefetch machinery made a queryset for each card, which cost more than
    the query.)
    """
    every = [article, *cards]
    if all(hasattr(each, "byline_list") for each in every):
        found = {each.pk: _listed_bylines(each) for each in every}
    else:
        rows = bylines_in_order().queryset.filter(article__in=[a.pk for a in every])
        found = {a.pk: [] for a in every}
        for row in rows:
            found[row.article_id].append(row)
    field = ArticleAuthor._meta.get_field("article")
    for each in every:
        for row in found[each.pk]:
            field.set_cached_value(row, each)
    for card in cards:
        card.listed_bylines = found[card.pk]
    cache = article.__dict__.setdefault("_prefetched_objects_cache", {})
    if "bylines" not in cache:
        own = article.bylines.all()
        own._result_cache, own._prefetch_done = found[article.pk], True
        cache["bylines"] = own


# What a `byline_list` gives each byline and its author, in the models'
# field order (Model.from_db); the author's other columns are left
# deferred (read if ever asked for).
LISTED_BYLINE = ["id", "article_id", "author_id", "role", "position"]
LISTED_AUTHOR = ["id", "name", "slug", "bio"]


def _listed_bylines(article):
    """The article's bylines, with their authors, from its `byline_list`."""
    bylines = []
    author_field = ArticleAuthor._meta.get_field("author")
    db = article._state.db
    for byline_id, author_id, role, position, name, slug, bio in article.byline_list:
        byline = ArticleAuthor.from_db(
            db, LISTED_BYLINE, [byline_id, article.pk, author_id, role, position]
        )
        author = Author.from_db(db, LISTED_AUTHOR, [author_id, name, slug, bio])
        author_field.set_cached_value(byline, author)
        bylines.append(byline)
    return bylines


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


class ArticleAuthor(ReaderVisible, models.Model):
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
