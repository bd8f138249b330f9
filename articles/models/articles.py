"""
Articles: the Article, its corrections and the addresses it used to have. Its
queryset (what readers see, scheduling, the desk's lists, what each page
prefetches) is in `querysets`. Bylines are in `bylines`, the body's sanitizer in
articles/body.py, search itself in articles/search.py.
"""

from datetime import timedelta

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager

from newsroom import formats
from newsroom.cache import ReaderVisible, ReaderVisibleQuerySet
from newsroom.fields import staff_member
from newsroom.rows import BuiltFromRows

from .. import search
from ..body import (
    BODY_EDITOR_EXTENSIONS,
    count_words,
    first_words,
    picture_ids,
    referenced_ids,
    sanitize_once,
    validate_body,
)
from . import navigation
from .body import refresh_body_references
from .bylines import (
    ArticleAuthor,
    bylines_beside_row,
    bylines_from_row,
    shown_bylines,
)
from .images import Image
from .live_state import LiveState
from .publishing import Publishing, Status, published_has_time
from .querysets import ArticleManager
from .redirects import Redirect
from .taxonomy import Author, Section, TaggedArticle

# Silent reading of non-fiction by adults (Brysbaert, 2019): about 238 words
# a minute; a round 230 allows for headings and figures.
WORDS_READ_A_MINUTE = 230


class Article(BuiltFromRows, Publishing, ReaderVisible, models.Model):
    class Kind(models.TextChoices):
        NEWS = "news", "News"
        OPINION = "opinion", "Opinion"
        ANALYSIS = "analysis", "Analysis"
        FEATURE = "feature", "Feature"
        REVIEW = "review", "Review"
        # Told in pictures: the body's first gallery takes the lead's place.
        PICTURES = "pictures", "Pictures"

    # Each kind's label, as get_kind_display() gives it, read for every card.
    KIND_LABELS = dict(Kind.choices)

    LiveState = LiveState

    title = models.CharField("headline", max_length=255)
    slug = models.SlugField(
        max_length=255,
        unique=True,
        help_text="The last part of the address. Changing it later keeps the old "
        "address working as a redirect.",
    )
    standfirst = models.TextField(
        blank=True,
        help_text="One or two sentences that sell the piece. On opinion pieces, end "
        "with the byline: “…, writes Jane Doe.”",
    )
    body = ProseEditorField(
        extensions=BODY_EDITOR_EXTENSIONS,
        sanitize=sanitize_once,
        blank=True,
        validators=[validate_body],
    )
    # Counted whenever the body is written (from_body()): every page of the
    # article says how long it takes to read, and counting took longer than
    # the rest of its header.
    word_count = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Words in the body as a reader sees them (tags and entities "
        "aside), as last saved.",
    )
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.NEWS)
    # Live coverage (articles/models/live.py): entries posted as news breaks.
    live_state = models.CharField(
        "live coverage",
        max_length=5,
        choices=LiveState,
        default=LiveState.NONE,
        blank=True,
        help_text="Live: readers follow entries posted from the live posting page. "
        "Ended: the entries stay and the page reads as an ordinary article.",
    )
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="articles"
    )
    authors = models.ManyToManyField(
        Author, through="ArticleAuthor", related_name="articles", blank=True
    )
    tags = TaggableManager(through=TaggedArticle, blank=True)
    lead_image = models.ForeignKey(
        Image,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lead_image_caption = models.CharField(
        max_length=500,
        blank=True,
        help_text="Leave empty to use the image's own caption.",
    )
    share_image = models.ForeignKey(
        Image,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="sharing picture",
        help_text="The picture shown where the article is shared (social networks, "
        "messaging apps): one of its own pictures. Empty: the lead picture.",
    )
    status = models.CharField(
        max_length=10, choices=Status, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the article goes live. A time in the future schedules it.",
    )
    planned_for = models.DateField(
        "planned for",
        null=True,
        blank=True,
        db_index=True,
        help_text="The day the desk means to run it, for the planning calendar. "
        "A story can be planned before a word of it is written.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    seo_title = models.CharField(
        max_length=70, blank=True, help_text="Headline for search engines, if shorter."
    )
    seo_description = models.CharField(
        max_length=160, blank=True, help_text="Defaults to the standfirst."
    )
    created_by = staff_member(editable=False)
    byline_names = models.TextField(
        blank=True,
        editable=False,
        help_text="The byline's names, kept current from the bylines for search.",
    )
    search_vector = models.GeneratedField(
        expression=search.SearchDocument(),
        output_field=SearchVectorField(null=True),
        db_persist=True,
    )

    objects = ArticleManager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        # The roles (articles/roles.py) hand these out; see articles/workflow.py.
        permissions = [
            ("publish_article", "Can publish and schedule articles"),
            ("unpublish_article", "Can take live articles off the site"),
            ("edit_any_article", "Can edit everyone's articles"),
        ]
        indexes = [
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published"),
                name="article_published_idx",
            ),
            models.Index(
                fields=["section", "-published_at", "-id"],
                condition=Q(status="published"),
                name="article_section_published_idx",
            ),
            # The live articles by id, with when each went live: the cards
            # under an article (around_sql) look up the articles that the
            # links of rare tags name here, in the index alone, rather than
            # walking every live article for the few tagged.
            models.Index(
                fields=["id", "published_at"],
                condition=Q(status="published"),
                name="article_live_id_idx",
            ),
            models.Index(fields=["status", "-updated_at"], name="article_status_idx"),
        ]
        constraints = [published_has_time("article")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Forms sanitize through full_clean(); the shell, loaders and scripts
        # do not, so the body is sanitized again on every save, and counted.
        self.set_body(self.body)
        if not self.slug:
            self.slug = slugify(self.title)[:255]
        self.fill_publication_time()
        previous_url = self._previous_url()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "word_count"}
        super().save(*args, **kwargs)
        if update_fields is None or "body" in update_fields:
            refresh_body_references(self, referenced_ids(self.body))
        current_url = self.get_absolute_url()
        if previous_url and previous_url != current_url:
            Redirect.objects.update_or_create(
                old_path=previous_url,
                defaults={"article": self, "target": "", "status": 301},
            )
            # An article moved back to an old address no longer redirects there.
            Redirect.objects.filter(old_path=current_url).delete()

    def get_absolute_url(self, address=None):
        """Its address, written by `address` if given (article_address_writer)."""
        return (address or navigation.article_address)(self.section.slug, self.slug)

    @classmethod
    def from_body(cls, body):
        fields = super().from_body(body)
        fields["word_count"] = count_words(fields["body"])
        return fields

    def _previous_url(self):
        if self.pk is None:
            return None
        old = (
            Article.objects.filter(pk=self.pk)
            .values_list("slug", "section__slug")
            .first()
        )
        if old is None:
            return None
        return reverse("articles:article", args=[old[1], old[0]])

    def clean(self):
        self.fill_publication_time()

    @property
    def lead_picture(self):
        """
        The lead image readers may see: the lead image, or None once its
        rights have expired (the reading pages, feeds and structured data
        show this, never lead_image itself).
        """
        image = self.lead_image
        if image is None or image.rights_expired():
            return None
        return image

    @property
    def share_picture(self):
        """
        The picture shown where the article is shared (og:image, first in
        its structured data): the chosen share_image while it is still one
        of the article's pictures (its lead, or one its body or galleries
        show) and its rights hold; else the lead picture (lead_picture).
        """
        image = self.share_image
        if (
            image is not None
            and not image.rights_expired()
            and image.pk in picture_ids(self.body, self.lead_image_id)
        ):
            return image
        return self.lead_picture

    def body_pictures(self):
        """
        The library pictures the body shows, in the body's order, once each,
        without those whose rights have lapsed (from body_references: one
        query, none when prefetched with models.body_references()).
        """
        rows = {
            row.image_id: row.image
            for row in self.body_references.all()
            if row.image_id is not None
        }
        if not rows:  # it refers to no picture: the body need not be parsed
            return []
        return [
            rows[pk]
            for pk in referenced_ids(self.body)["image"]
            if rows.get(pk) is not None and not rows[pk].rights_expired()
        ]

    @property
    def kicker(self):
        """
        The kind of piece, where readers need telling: "Analysis", "Review";
        nothing for news, nor where the section already says it (an opinion
        piece in Opinion). Shown beside or instead of the section's name.
        """
        label = self.KIND_LABELS.get(self.kind, self.kind)
        if self.kind == self.Kind.NEWS or label == self.section.name:
            return ""
        return label

    @property
    def was_updated(self):
        """Edited more than a few minutes after it went live."""
        return (
            self.published_at is not None
            and self.updated_at is not None
            and self.updated_at - self.published_at > timedelta(minutes=5)
        )

    def last_modified(self):
        """
        When readers last saw it change: its publication or last edit, or,
        for live coverage, its newest entry's posting or edit when later
        (read with ArticleQuerySet.with_latest_update(); ignored without).
        """
        times = (self.published_at, self.updated_at)
        times += (getattr(self, "latest_update_at", None),)
        return max(filter(None, times))

    @property
    def is_live_now(self):
        """Live coverage still going on (not ended): cards say "Live"."""
        return self.live_state == self.LiveState.LIVE

    @property
    def latest_line(self):
        """
        The first words of its newest entry while its coverage goes on, ""
        otherwise (read with ArticleQuerySet.with_latest_line()).
        """
        body = getattr(self, "latest_entry_body", None)
        return first_words(body) if body and self.is_live_now else ""

    @property
    def reading_minutes(self):
        """
        Minutes an adult takes to read the body at 230 words a minute, at
        least one.
        """
        return max(1, round(self.word_count / WORDS_READ_A_MINUTE))

    @property
    def caption(self):
        if self.lead_image_caption:
            return self.lead_image_caption
        return self.lead_image.caption if self.lead_image else ""

    def renumber_bylines(self):
        """
        Number the byline 0, 1, 2… in its current order (position, then the
        order the names were added), so positions stay small and distinct.
        """
        bylines = list(self.bylines.order_by("position", "pk"))
        changed = []
        for position, byline in enumerate(bylines):
            if byline.position != position:
                byline.position = position
                changed.append(byline)
        ArticleAuthor.objects.bulk_update(changed, ["position"])

    def ordered_bylines(self):
        """
        ArticleAuthor rows in byline order (uses the prefetch when present:
        `listed_bylines`, built when first asked from the `byline_list` that
        for_listing() reads, or `bylines`).
        """
        if bylines_beside_row(self):
            self.listed_bylines = bylines_from_row(self)
        bylines = getattr(self, "listed_bylines", None)
        if bylines is None:
            bylines = self.bylines.all()
        return sorted(bylines, key=lambda b: (b.position, b.pk))

    # What an article's card (card_html in articles/cards.py) shows of it,
    # named as the card reads it (card["title"], card["section"]["name"]):
    # card_shows() reads these once, the card is written from them alone,
    # and card_fingerprint() is made of them.
    # tests/articles/test_card_fingerprint.py fails when the card reads
    # anything else. "bylines" is the byline ((author id, name, slug, role)
    # of each name in order: bylines.shown_bylines); "lead_picture" what the
    # picture draws in the card's shape (PictureSources.drawn), or None.
    CARD_SHOWS = (
        "pk",
        "title",
        "standfirst",
        "kicker",
        "published_at",
        "get_absolute_url",
        "section.name",
        "section.get_absolute_url",
        "bylines",
        "lead_picture",
        "is_live_now",
        "latest_line",
    )
    # The shape of the card's picture (images.SHAPES), as the card draws it.
    CARD_SHAPE = "card"

    def card_shows(self, cards=None):
        """
        What the article's card shows (CARD_SHOWS), read once, nested as the
        card reads it: {"title": …, "section": {"name": …}, …}. `cards`
        (CardList), shared by the cards of one list, spares reading the
        same addresses, and how addresses are written, for each card.
        Written out rather than walked from CARD_SHOWS: every card of every
        list is read here (tests/articles/test_card_fingerprint.py holds
        the two alike).
        """
        cards = CardList() if cards is None else cards
        section, picture = self.section, self.lead_picture
        return {
            "pk": self.pk,
            "title": self.title,
            "standfirst": self.standfirst,
            "kicker": self.kicker,
            "published_at": self.published_at,
            "get_absolute_url": self.get_absolute_url(cards.article_address),
            "section": {
                "name": section.name,
                "get_absolute_url": cards.section_address(section),
            },
            "bylines": shown_bylines(self),
            "lead_picture": picture and picture.in_shape(self.CARD_SHAPE).drawn(),
            "is_live_now": self.is_live_now,
            "latest_line": self.latest_line,
        }

    def card_fingerprint(self, options, shown=None):
        """
        Everything the article's card shows (CARD_SHOWS, as card_shows()
        reads it, or `shown`), in that order, and how it is shown
        (`options`): its cache key (card_key, newsroom.cache.cache_key)
        changes with any edit to any of them. Plain values alone, written
        the same in every process (newsroom.cache.keys.serialized): the
        moment it went live as ISO text; the byline as each author's id,
        name, address and role (shown_bylines); the picture as what it
        draws (PictureSources.drawn: its sources, addresses, size and alt
        text).
        """
        shown = self.card_shows() if shown is None else shown
        section = shown["section"]
        return [
            options,
            shown["pk"],
            shown["title"],
            shown["standfirst"],
            shown["kicker"],
            shown["published_at"].isoformat(),
            shown["get_absolute_url"],
            section["name"],
            section["get_absolute_url"],
            shown["bylines"],
            shown["lead_picture"],
            shown["is_live_now"],
            shown["latest_line"],
        ]


class CardList:
    """
    What the cards of one list share as card_shows() reads them: each
    section's address, and how articles' addresses are written
    (navigation.article_address_writer), read once for all of them.
    """

    def __init__(self):
        self.section_addresses = {}
        self.article_address = navigation.article_address_writer()

    def section_address(self, section):
        address = self.section_addresses.get(section.slug)
        if address is None:
            address = self.section_addresses[section.slug] = section.get_absolute_url()
        return address


class Correction(ReaderVisible, models.Model):
    """A dated correction note, shown at the foot of the article."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="corrections"
    )
    text = models.TextField(help_text="What was wrong and what is right.")
    corrected_at = models.DateTimeField(default=timezone.now)

    objects = ReaderVisibleQuerySet.as_manager()

    class Meta:
        ordering = ["corrected_at", "pk"]

    def __str__(self):
        return f"Correction of {formats.written(self.corrected_at, 'day')}"
