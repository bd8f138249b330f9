"""
What an article's body refers to: its pictures (galleries' included), the
articles of its "Read more" cards and its embeds, one ArticleBodyReference
row each, rebuilt
from the body on every save (Article.save(), articles.body.referenced_ids()),
so the reading page fetches them all in one query whatever their number.
The bodies of a live article's entries have rows of the article too, each
naming its entry (LiveEntry.save()), so a page of entries comes with what
they show in that same query.
"""

from django.db import models
from django.db.models import Q

from newsroom.cache import ReaderVisible, ReaderVisibleQuerySet
from newsroom.sql import CompiledOnce

from .embeds import ResolvedEmbed
from .images import Image


class ArticleBodyReference(ReaderVisible, models.Model):
    """
    A library picture an article's body shows (`image`), one of our articles
    it offers as a "Read more" card (`target`), or the URL of an embed
    (`embed`): one of the three. An embed is referred to by its URL, whether
    or not the worker has resolved it yet (no database constraint), so the
    page's one prefetch brings the resolved ones too. A row of one of the
    article's live entries names it (`entry`); the body's own name none.
    """

    article = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="body_references"
    )
    entry = models.ForeignKey(
        "LiveEntry",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="body_references",
    )
    image = models.ForeignKey(
        Image, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target = models.ForeignKey(
        "Article",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    embed = models.ForeignKey(
        ResolvedEmbed,
        to_field="url",
        db_constraint=False,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
    )

    objects = ReaderVisibleQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    image__isnull=False, target__isnull=True, embed__isnull=True
                )
                | Q(image__isnull=True, target__isnull=False, embed__isnull=True)
                | Q(image__isnull=True, target__isnull=True, embed__isnull=False),
                name="article_body_reference_one_kind",
            ),
            *(
                models.UniqueConstraint(
                    fields=["article", kind],
                    condition=Q(entry__isnull=True),
                    name=f"article_body_reference_{kind}",
                )
                for kind in ("image", "target", "embed")
            ),
            *(
                models.UniqueConstraint(
                    fields=["entry", kind], name=f"live_entry_reference_{kind}"
                )
                for kind in ("image", "target", "embed")
            ),
        ]

    def __str__(self):
        if self.image_id:
            return f"Picture {self.image_id} in article {self.article_id}"
        if self.embed_id:
            return f"Embed {self.embed_id} in article {self.article_id}"
        return f"Article {self.target_id} offered in article {self.article_id}"


def body_references(entries=None):
    """
    Prefetch of what an article's body refers to, in one query: its pictures,
    the articles of its cards with their sections and lead pictures, and its
    embeds as far as they are resolved; with `entries` (a subquery of entry
    ids), what those live entries' bodies refer to as well.
    """
    return models.Prefetch(
        "body_references", queryset=reference_rows().filter(_shown(entries))
    )


def body_references_of(article, entries=None, found=True):
    """
    What body_references() prefetches, for the one `article`, as rows or a
    queryset to read into it (keep_prefetched()). Not `found` (its row says it has
    no reference rows, ArticleQuerySet.with_references_flag): none, without
    a query.
    """
    if not found:
        return ArticleBodyReference.objects.none()
    if entries is None:
        return _body_references_of.run(article=article.pk)
    return reference_rows().filter(_shown(entries), article_id=article.pk)


# An article's own reference rows (body_references_of), its SQL compiled
# once: building and compiling it took longer than the database takes to
# answer it.
_body_references_of = CompiledOnce(
    lambda article: reference_rows().filter(_shown(None), article_id=article),
    article=ArticleBodyReference._meta.get_field("article"),
)


def _shown(entries):
    """The body's own reference rows, and those of the `entries` (a subquery)."""
    shown = Q(entry__isnull=True)
    if entries is not None:
        shown |= Q(entry__in=entries)
    return shown


def reference_rows():
    """Reference rows with what a body shows of each (body_references())."""
    return ArticleBodyReference.objects.select_related(
        "image", "target__section", "target__lead_image", "embed"
    ).defer("target__body", "target__search_vector")


def body_pictures_of(articles):
    """
    The library pictures these articles' bodies refer to, those of their
    "Read more" cards' articles included, from the prefetched
    body_references (for one prefetch_renditions() for them all).
    """
    return [
        picture
        for article in articles
        for row in article.body_references.all()
        for picture in (row.image, row.target and row.target.lead_image)
        if picture is not None
    ]


def refresh_body_references(article, ids, entry=None):
    """
    Make the reference rows of the article's body, or of its live `entry`,
    those of `ids` (referenced_ids()): pictures and articles that do not
    exist, and the article itself, are skipped; embeds are kept by URL.
    """
    wanted = (
        {
            ("image", pk)
            for pk in Image.objects.filter(pk__in=ids["image"]).values_list(
                "pk", flat=True
            )
        }
        | {
            ("target", pk)
            for pk in type(article)
            .objects.filter(pk__in=ids["article"])
            .exclude(pk=article.pk)
            .values_list("pk", flat=True)
        }
        | {("embed", url) for url in ids["embed"]}
    )
    rows = {}
    for pk, image, target, url in article.body_references.filter(
        entry=entry
    ).values_list("pk", "image_id", "target_id", "embed_id"):
        key = ("image", image) if image else ("target", target) if target else None
        rows[key or ("embed", url)] = pk
    gone = [pk for key, pk in rows.items() if key not in wanted]
    if gone:
        ArticleBodyReference.objects.filter(pk__in=gone).delete()
    new = wanted - rows.keys()
    if new:
        ArticleBodyReference.objects.bulk_create(
            ArticleBodyReference(article=article, entry=entry, **{f"{kind}_id": key})
            for kind, key in new
        )
