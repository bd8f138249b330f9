"""
What an article's body refers to: its pictures (galleries' included), the
articles of its "Read more" cards and its embeds, one ArticleBodyReference
row each, rebuilt from the body on every save (Article.save(),
articles.body.referenced_ids()), so the reading page fetches them all in
one query whatever their number; an ordinary article's page reads them
with its own row, as JSON (reference_list_sql(), references_from_row()).
The bodies of a live article's entries have rows of the article too, each
naming its entry (LiveEntry.save()), so a page of entries comes with what
they show in that same query.
"""

from functools import partial

from django.db import models
from django.db.models import Q

from newsroom.cache import ReaderVisible, ReaderVisibleQuerySet
from newsroom.rows import BuiltFromRows, ListedFields, read_json
from newsroom.sql import CompiledOnce, json_list_sql

from .cards import CARD_PICTURE, card_fields
from .embeds import ResolvedEmbed
from .images import Image
from .prefetched import keep_prefetched


class ArticleBodyReference(BuiltFromRows, ReaderVisible, models.Model):
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


def keep_body_references(article, entries=None):
    """
    Keep what `article`'s body refers to, with its live `entries`' (a
    subquery of entry ids) when given, where body_references() leaves it
    (`article.body_references.all()`), unless already there: from its row's
    `reference_list` when it has one and no entries are asked for
    (references_from_row), else read (body_references_of); none, and no
    work, when its row says there are none (`has_references`).
    """
    found = getattr(article, "has_references", True)
    listed = entries is None and getattr(article, "reference_list", None) is not None
    if found and listed:
        rows = partial(references_from_row, article)  # read when needed
    else:
        rows = body_references_of(article, entries, found)
    keep_prefetched(article, "body_references", rows)


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


# What a `reference_list` (ArticleQuerySet.with_reference_list) holds of an
# article a body offers as a "Read more" card, and of that article's lead
# picture, by field name: what the card shows (cards.CARD_FIELDS, which the
# lists read too) and whether it is live. Their other columns are left
# deferred; the section is read whole.
LISTED_TARGET = {"id", "status", *card_fields()}
LISTED_LEAD_IMAGE = {"id", *card_fields(CARD_PICTURE)}
_listed = {}


def listed_fields():
    """
    {name: ListedFields} of what a `reference_list` holds of each reference: the
    picture (every column), the article of a card (LISTED_TARGET), its
    section (every column) and lead picture (LISTED_LEAD_IMAGE), and the
    embed (every column).
    """
    if not _listed:
        Article = ArticleBodyReference._meta.get_field("target").related_model
        Section = Article._meta.get_field("section").related_model
        fields = {
            "image": (Image, Image._meta.concrete_fields),
            "target": (Article, Article._meta.concrete_fields),
            "section": (Section, Section._meta.concrete_fields),
            "lead_image": (Image, Image._meta.concrete_fields),
            "embed": (ResolvedEmbed, ResolvedEmbed._meta.concrete_fields),
        }
        narrowed = {"target": LISTED_TARGET, "lead_image": LISTED_LEAD_IMAGE}
        for name, (model, every) in fields.items():
            wanted = narrowed.get(name)
            chosen = [f for f in every if wanted is None or f.name in wanted]
            _listed[name] = ListedFields(model, chosen)
    return _listed


def reference_list_sql(connection, articles):
    """
    The SQL of an article's `reference_list` (ArticleQuerySet.
    with_reference_list), `articles` the table of the article it is read
    beside: its body's own reference rows (not its live entries') as JSON
    text, [[id, image id, target id, embed URL, picture, article, embed],
    ...] by id, each of the last three a JSON array of what listed_fields()
    holds of it (the article's followed by its section's and by its lead
    picture's), or null; `[]` for none. Null for a live article, whose page
    reads its entries' rows with its own (body_references_of).
    """
    listed = listed_fields()
    postgresql = connection.vendor == "postgresql"
    array = "json_build_array" if postgresql else "json_array"

    def nested(alias, columns):
        # SQLite keeps a json_array() JSON through CASE only where json() says so.
        shown = f"CASE WHEN {alias}.id IS NOT NULL THEN {array}({columns}) END"
        return shown if postgresql else f"json({shown})"

    target = (
        f"{listed['target'].columns('t', connection)}, "
        f"{array}({listed['section'].columns('s', connection)}), "
        f"{nested('ti', listed['lead_image'].columns('ti', connection))}"
    )
    row = (
        "r.id, r.image_id, r.target_id, r.embed_id, "
        f"{nested('i', listed['image'].columns('i', connection))}, "
        f"{nested('t', target)}, "
        f"{nested('e', listed['embed'].columns('e', connection))}"
    )
    images = Image._meta.db_table
    joined = (
        f"FROM {ArticleBodyReference._meta.db_table} r "
        f"LEFT JOIN {images} i ON i.id = r.image_id "
        f"LEFT JOIN {listed['target'].model._meta.db_table} t ON t.id = r.target_id "
        f"LEFT JOIN {listed['section'].model._meta.db_table} s "
        "ON s.id = t.section_id "
        f"LEFT JOIN {images} ti ON ti.id = t.lead_image_id "
        f"LEFT JOIN {ResolvedEmbed._meta.db_table} e ON e.url = r.embed_id "
        f"WHERE r.article_id = {articles}.id AND r.entry_id IS NULL"
    )
    sql = json_list_sql(connection, row, joined, "r.id")
    return f"CASE WHEN {articles}.live_state = '' THEN ({sql}) END"


def references_from_row(article):
    """
    The reference rows of `article`'s body from its row's `reference_list`
    (ArticleQuerySet.with_reference_list), each with its picture, its card's
    article (with that article's section and lead picture) or its embed, as
    reference_rows() reads them (those of the article as listed_fields()
    narrows them): no query of their own.
    """
    listed = listed_fields()
    image, target, section, lead_image, embed = (
        listed[name] for name in ("image", "target", "section", "lead_image", "embed")
    )
    meta = ArticleBodyReference._meta
    article_field = meta.get_field("article")
    image_field = meta.get_field("image")
    target_field = meta.get_field("target")
    embed_field = meta.get_field("embed")
    section_field = target.model._meta.get_field("section")
    lead_image_field = target.model._meta.get_field("lead_image")
    width = len(target.fields)
    db = article._state.db
    rows = []
    for pk, image_id, target_id, url, shown, offered, embedded in read_json(
        article.reference_list
    ):
        row = ArticleBodyReference.from_db(
            db, LISTED_REFERENCE, [pk, article.pk, None, image_id, target_id, url]
        )
        article_field.set_cached_value(row, article)
        image_field.set_cached_value(row, shown and image.build(db, shown))
        if offered:
            card = target.build(db, offered[:width])
            section_field.set_cached_value(card, section.build(db, offered[width]))
            lead = offered[width + 1]
            lead_image_field.set_cached_value(card, lead and lead_image.build(db, lead))
            offered = card
        target_field.set_cached_value(row, offered)
        embed_field.set_cached_value(row, embedded and embed.build(db, embedded))
        rows.append(row)
    return rows


# A reference row's columns, in its model's order (Model.from_db).
LISTED_REFERENCE = ["id", "article_id", "entry_id", "image_id", "target_id", "embed_id"]


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
