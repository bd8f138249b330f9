"""
Articles: the Article with its queryset (what readers see, scheduling, the
desk's lists, what each page prefetches, search), its corrections and the
addresses it used to have. Bylines are in `bylines`, the body's sanitizer in
articles/body.py, search itself in articles/search.py.
"""

import html
import re
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import connections, models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager

from newsroom.cache import ReaderVisibleQuerySet

from .. import search
from ..body import BODY_EDITOR_EXTENSIONS, sanitize_body, sanitize_once
from .bylines import ArticleAuthor, bylines_in_order
from .images import Image, day_start
from .taxonomy import Author, Section, TaggedArticle

# Silent reading of non-fiction by adults (Brysbaert, 2019): about 238 words
# a minute; a round 230 allows for headings and figures.
WORDS_READ_A_MINUTE = 230


def tags_in_order():
    """Prefetch of an article's tag links with their tags, by tag name."""
    return models.Prefetch(
        "tagged_items",
        queryset=TaggedArticle.objects.select_related("tag").order_by("tag__name"),
    )


class ArticleQuerySet(ReaderVisibleQuerySet):
    # Bulk writes skip Article.save(), so they sanitize the body themselves
    # (ReaderVisibleQuerySet drops the cached pages).

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for article in objs:
            article.body = sanitize_body(article.body)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if "body" in fields:
            for article in objs:
                article.body = sanitize_body(article.body)
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs):
        if isinstance(kwargs.get("body"), str):
            kwargs["body"] = sanitize_body(kwargs["body"])
        return super().update(**kwargs)

    def published(self):
        """Live articles: published, with a publication time that has come."""
        return self.live_at(timezone.now())

    def live_at(self, moment):
        """The articles live at `moment` (a time to come previews the schedule)."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=moment)

    def scheduled(self):
        """Published articles whose publication time is still to come."""
        return self.filter(
            status=Article.Status.PUBLISHED, published_at__gt=timezone.now()
        )

    def next_publication(self):
        """When the next scheduled article goes live, or None."""
        upcoming = self.scheduled().order_by("published_at")
        return upcoming.values_list("published_at", flat=True).first()

    def next_change(self):
        """
        When what readers see next changes by itself, or None: a scheduled
        article goes live, or a picture's rights end (the pages then drop
        it). The page cache keeps no page past it. One query.
        """
        first = self.scheduled().order_by("published_at").values("published_at")
        lapse = Image.objects.rights_lapsing().values("rights_expire_on")
        # Any one row to hang the two lookups on; an article needs a section,
        # so without one there is nothing to change.
        row = (
            Section.objects.order_by()
            .annotate(
                first=models.Subquery(first[:1]), lapse=models.Subquery(lapse[:1])
            )
            .values_list("first", "lapse")
            .first()
        )
        if row is None:
            return None
        moments = [row[0], day_start(row[1]) if row[1] else None]
        return min((m for m in moments if m), default=None)

    def going_live_within(self, period, moment=None):
        """Scheduled articles that go live between `moment` (default now) and
        `period` later."""
        moment = moment or timezone.now()
        return self.filter(
            status=Article.Status.PUBLISHED,
            published_at__gt=moment,
            published_at__lte=moment + period,
        )

    def awaiting_review(self):
        return self.filter(status=Article.Status.REVIEW)

    def owned_by(self, user):
        """
        The articles that are `user`'s own: those they created, and those
        whose byline names the Author linked to their account.
        """
        return self.filter(
            Q(created_by=user.pk)
            | Q(
                pk__in=ArticleAuthor.objects.filter(author__user=user.pk).values(
                    "article"
                )
            )
        )

    def with_lapsed_picture(self, moment=None):
        """Articles whose lead picture's rights have ended by `moment`."""
        moment = moment or timezone.now()
        return self.filter(lead_image__rights_expire_on__lte=timezone.localdate(moment))

    def in_section(self, section):
        return self.filter(section=section)

    def by_author(self, author):
        return self.filter(authors=author)

    def tagged(self, tag):
        return self.filter(tagged_items__tag=tag)

    def latest_first(self):
        return self.order_by("-published_at", "-pk")

    def for_listing(self, with_body=False):
        """
        What an article card needs, in a fixed number of queries: the
        pictures come with their rendition_index (see `prefetch_renditions`
        for pictures without one). The body, which cards never show, is
        left in the database unless `with_body` (search's snippets).
        """
        queryset = self.select_related("section", "lead_image").prefetch_related(
            bylines_in_order()
        )
        return queryset if with_body else queryset.defer("body")

    def for_feed(self):
        """What a feed item needs: a card's worth, and the tags."""
        return self.for_listing().prefetch_related(tags_in_order())

    def for_article_page(self):
        """
        What the full article page needs, in a fixed number of queries
        whatever the number of authors, tags and corrections. The bylines
        and the lead image's renditions are left to the page, which fetches
        them in one query each with those of its other cards
        (`bylines_in_order`, `prefetch_renditions`).
        """
        return self.select_related("section", "lead_image").prefetch_related(
            tags_in_order(), "corrections"
        )

    def related_to(self, article, exclude=(), count=4, candidates=100):
        """
        Up to `count` of these articles that share tags with `article`, most
        shared tags first, then the newest; never `article` itself nor one in
        `exclude`. One query: the database ranks the articles of the newest
        `candidates` tag matches by their tags shared with `article` and
        returns only the chosen few, ready for a card but for the body. Uses
        `article.tagged_items` as prefetched.
        """
        tags = [item.tag_id for item in article.tagged_items.all()]
        if not tags:
            return []
        newest_matches = (
            self.filter(tagged_items__tag__in=tags)
            .exclude(pk__in=[article.pk, *exclude])
            .latest_first()
            .values("pk")[:candidates]
        )
        return list(
            self.filter(pk__in=newest_matches)
            .annotate(
                shared=Count("tagged_items", filter=Q(tagged_items__tag__in=tags))
            )
            .select_related("section", "lead_image")
            .defer("body")
            .order_by("-shared", "-published_at", "-pk")[:count]
        )

    def others_in_section(self, article):
        """Articles of the same section as `article`, without it."""
        return self.in_section(article.section_id).exclude(pk=article.pk)

    def at_old_path(self, path):
        """The article that used to live at `path` (see ArticleRedirect)."""
        return self.filter(redirects__old_path=path)

    def search(self, query):
        """
        Articles matching the reader's `query`, best match first (see
        articles.search.search_articles). Apply every filter first and call
        it last, on published() for reader pages.
        """
        return search.search_articles(self, query)

    def search_matches(self, query):
        """
        The articles matching `query`, unordered, and the expression that
        ranks them (see articles.search.match_articles).
        """
        return search.match_articles(self, query)

    def spelling_suggestion(self, query):
        """
        "Did you mean": the query with its misspelt words replaced by the
        closest words of these articles' headlines, or None (see
        articles.search.suggest_from_headlines).
        """
        return search.suggest_from_headlines(self, query)

    def published_between(self, start=None, end=None):
        """
        Articles published on the dates from `start` to `end` (both
        included, either may be None), in the newsroom's time zone.
        """
        articles = self
        if start:
            articles = articles.filter(published_at__gte=day_start(start))
        if end:
            articles = articles.filter(
                published_at__lt=day_start(end + timedelta(days=1))
            )
        return articles

    def refresh_byline_names(self):
        """
        Copy the names of each article's byline, in byline order, into its
        `byline_names` (which the search document holds), in one UPDATE of
        the articles whose names changed. (SQLite before 3.44 cannot order
        an aggregate: there the names come in the order the bylines were
        written, which search does not mind.)
        """
        features = connections[self.db].features
        ordered = features.supports_aggregate_order_by_clause
        names = models.functions.Coalesce(
            models.Subquery(
                ArticleAuthor.objects.filter(article=models.OuterRef("pk"))
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
            ),
            models.Value(""),
        )
        return models.QuerySet.update(
            self.exclude(byline_names=names), byline_names=names
        )


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    def get_queryset(self):
        # The stored search document is kilobytes per article that no page
        # shows; only the database reads it.
        return super().get_queryset().defer("search_vector")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"

    class Kind(models.TextChoices):
        NEWS = "news", "News"
        OPINION = "opinion", "Opinion"
        ANALYSIS = "analysis", "Analysis"
        FEATURE = "feature", "Feature"
        REVIEW = "review", "Review"

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
        extensions=BODY_EDITOR_EXTENSIONS, sanitize=sanitize_once, blank=True
    )
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.NEWS)
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
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
            models.Index(fields=["status", "-updated_at"], name="article_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_time",
                violation_error_message="A published article needs a publication time.",
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Forms sanitize through full_clean(); the shell, loaders and scripts
        # do not, so the body is sanitized again on every save.
        self.body = sanitize_body(self.body)
        if not self.slug:
            self.slug = slugify(self.title)[:255]
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        previous_url = self._previous_url()
        super().save(*args, **kwargs)
        current_url = self.get_absolute_url()
        if previous_url and previous_url != current_url:
            ArticleRedirect.objects.update_or_create(
                old_path=previous_url, defaults={"article": self}
            )
            # An article moved back to an old address no longer redirects there.
            ArticleRedirect.objects.filter(old_path=current_url).delete()

    def get_absolute_url(self):
        return reverse("articles:article", args=[self.section.slug, self.slug])

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
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            # Filled in on save; set here too so the form's checks see it.
            self.published_at = timezone.now()

    def publish_now(self):
        """
        Make the article live now and save it. An article that went live
        before (publication time in the past, e.g. unpublished for a fix)
        keeps its original time; drafts and scheduled pieces get now.
        """
        now = timezone.now()
        if self.published_at is None or self.published_at > now:
            self.published_at = now
        self.status = self.Status.PUBLISHED
        self.save()

    def unpublish(self):
        """
        Take the article off the site (back to draft) and save it. The
        publication time is kept, so publishing again restores its place.
        """
        self.status = self.Status.DRAFT
        self.save()

    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def publication_state(self):
        """Live, Scheduled, In review or Draft: what an editor needs to know."""
        if self.status == self.Status.PUBLISHED:
            return "Live" if self.is_published() else "Scheduled"
        return self.get_status_display()

    def state_label(self, moment=None):
        """
        The one state an editor reads in the article list: "Draft", "In
        review", "Scheduled for Tue 14:00" (in the newsroom's time zone; the
        date is added beyond the coming week, the year beyond this one) or
        "Live".
        """
        moment = moment or timezone.now()
        if self.status != self.Status.PUBLISHED or self.published_at is None:
            return self.get_status_display()
        if self.published_at <= moment:
            return "Live"
        when = timezone.localtime(self.published_at)
        today = timezone.localtime(moment).date()
        if (when.date() - today).days < 7:
            shown = f"{when:%a %H:%M}"
        elif when.year == today.year:
            shown = f"{when:%a} {when.day} {when:%b %H:%M}"
        else:
            shown = f"{when:%a} {when.day} {when:%b %Y %H:%M}"
        return f"Scheduled for {shown}"

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
    def was_updated(self):
        """Edited more than a few minutes after it went live."""
        return (
            self.published_at is not None
            and self.updated_at is not None
            and self.updated_at - self.published_at > timedelta(minutes=5)
        )

    @property
    def word_count(self):
        """Words in the body as a reader sees them (tags and entities aside)."""
        return len(html.unescape(re.sub(r"<[^>]*>", " ", self.body or "")).split())

    @property
    def reading_minutes(self):
        """
        Minutes an adult takes to read the body at 230 words a minute, at
        least one.
        """
        words = len(strip_tags(self.body or "").split())
        return max(1, round(words / WORDS_READ_A_MINUTE))

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
        """ArticleAuthor rows in byline order (uses the prefetch when present)."""
        return sorted(self.bylines.all(), key=lambda b: (b.position, b.pk))


class Correction(models.Model):
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
        return f"Correction of {self.corrected_at:%d %B %Y}"


class ArticleRedirect(models.Model):
    """An address an article used to have, answered with a 301 to its current one."""

    old_path = models.CharField(max_length=600, unique=True)
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="redirects"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.old_path
