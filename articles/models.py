from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

# What the body editor offers, and therefore what the sanitizer lets through.
BODY_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
}


# Public URL prefixes that a section slug must not take over.
RESERVED_SECTION_SLUGS = {
    "admin",
    "authors",
    "tags",
    "search",
    "feeds",
    "sitemap.xml",
    "newsletters",
    "delivery",
    "static",
    "media",
}


def validate_section_slug(value):
    if value in RESERVED_SECTION_SLUGS:
        raise ValidationError(
            "“%(value)s” is used by another part of the site; choose another.",
            params={"value": value},
        )


class Section(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(
        max_length=100, unique=True, validators=[validate_section_slug]
    )
    description = models.TextField(
        blank=True, help_text="One or two sentences shown on the section page."
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order in the section bar; lower comes first."
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", args=[self.slug])


class Author(models.Model):
    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=150, unique=True)
    role = models.CharField(
        max_length=200,
        blank=True,
        help_text="One line, e.g. “Professor of strategic studies, University of …”",
    )
    bio = models.TextField(
        blank=True, help_text="The short biography shown under the author's articles."
    )
    photo = models.ForeignKey(
        "Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="The staff account of this author, if they have one.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author", args=[self.slug])


class Image(models.Model):
    """An uploaded picture with its editorial metadata and its renditions."""

    file = models.ImageField(
        upload_to="images/%Y/%m/", width_field="width", height_field="height"
    )
    alt_text = models.CharField(
        max_length=300,
        help_text="What the picture shows, for readers who cannot see it.",
    )
    caption = models.CharField(max_length=500, blank=True)
    credit = models.CharField(
        max_length=200, blank=True, help_text="Photographer or agency."
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    focal_point_x = models.FloatField(
        default=0.5, help_text="Horizontal focal point, 0 (left) to 1 (right)."
    )
    focal_point_y = models.FloatField(
        default=0.5, help_text="Vertical focal point, 0 (top) to 1 (bottom)."
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(focal_point_x__gte=0, focal_point_x__lte=1)
                & Q(focal_point_y__gte=0, focal_point_y__lte=1),
                name="image_focal_point_in_frame",
            )
        ]

    def __str__(self):
        return self.alt_text[:80]


class Rendition(models.Model):
    """One resized, re-encoded copy of an Image, made when the image is saved."""

    class Format(models.TextChoices):
        AVIF = "avif", "AVIF"
        WEBP = "webp", "WebP"
        JPEG = "jpeg", "JPEG"

    image = models.ForeignKey(
        Image, on_delete=models.CASCADE, related_name="renditions"
    )
    format = models.CharField(max_length=4, choices=Format)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    file = models.ImageField(upload_to="renditions/%Y/%m/")

    class Meta:
        ordering = ["image", "format", "width"]
        constraints = [
            models.UniqueConstraint(
                fields=["image", "format", "width"], name="rendition_unique_size"
            )
        ]

    def __str__(self):
        return f"{self.image_id} {self.format} {self.width}w"

    @property
    def mime_type(self):
        return f"image/{self.format}"


class TaggedArticle(TaggedItemBase):
    """Tag links with a real foreign key, so tag pages join on an index."""

    content_object = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="tagged_items"
    )

    class Meta:
        verbose_name = "tag"
        verbose_name_plural = "tags"
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="tagged_article_unique"
            )
        ]


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Live articles: published, with a publication time that has come."""
        return self.filter(
            status=Article.Status.PUBLISHED, published_at__lte=timezone.now()
        )

    def scheduled(self):
        """Published articles whose publication time is still to come."""
        return self.filter(
            status=Article.Status.PUBLISHED, published_at__gt=timezone.now()
        )

    def in_section(self, section):
        return self.filter(section=section)

    def by_author(self, author):
        return self.filter(authors=author)

    def tagged(self, tag):
        return self.filter(tagged_items__tag=tag)

    def latest_first(self):
        return self.order_by("-published_at", "-pk")

    def for_listing(self):
        """What an article card needs, in a fixed number of queries."""
        return self.select_related("section", "lead_image").prefetch_related(
            models.Prefetch(
                "bylines",
                queryset=ArticleAuthor.objects.select_related("author").order_by(
                    "position", "pk"
                ),
            ),
            "lead_image__renditions",
        )

    def for_article_page(self):
        """
        What the full article page needs, in a fixed number of queries
        whatever the number of authors, tags and corrections.
        """
        return self.for_listing().prefetch_related(
            models.Prefetch(
                "tagged_items",
                queryset=TaggedArticle.objects.select_related("tag").order_by(
                    "tag__name"
                ),
            ),
            "corrections",
        )

    def others_in_section(self, article):
        """Articles of the same section as `article`, without it."""
        return self.in_section(article.section_id).exclude(pk=article.pk)

    def at_old_path(self, path):
        """The article that used to live at `path` (see ArticleRedirect)."""
        return self.filter(redirects__old_path=path)

    def latest_per_section(self, count):
        """
        At most `count` articles per section, the latest of each, in one
        query; each row carries its rank within its section.
        """
        return (
            self.alias(
                section_rank=models.Window(
                    RowNumber(),
                    partition_by=[models.F("section")],
                    order_by=[
                        models.F("published_at").desc(),
                        models.F("pk").desc(),
                    ],
                )
            )
            .filter(section_rank__lte=count)
            .order_by("section__position", "section__name", "-published_at", "-pk")
        )


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
        extensions=BODY_EDITOR_EXTENSIONS, sanitize=True, blank=True
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

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
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

    @property
    def was_updated(self):
        """Edited more than a few minutes after it went live."""
        return (
            self.published_at is not None
            and self.updated_at is not None
            and self.updated_at - self.published_at > timedelta(minutes=5)
        )

    @property
    def caption(self):
        if self.lead_image_caption:
            return self.lead_image_caption
        return self.lead_image.caption if self.lead_image else ""

    def ordered_bylines(self):
        """ArticleAuthor rows in byline order (uses the prefetch when present)."""
        return sorted(self.bylines.all(), key=lambda b: (b.position, b.pk))


class ArticleAuthor(models.Model):
    """One name in an article's byline, in order, with the part they played."""

    class Role(models.TextChoices):
        WRITER = "writer", "Writer"
        REPORTER = "reporter", "Reporter"
        CORRESPONDENT = "correspondent", "Correspondent"
        PHOTOGRAPHER = "photographer", "Photographer"
        TRANSLATOR = "translator", "Translator"
        AGENCY = "agency", "Agency"

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="bylines"
    )
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    role = models.CharField(max_length=15, choices=Role, default=Role.WRITER)
    position = models.PositiveSmallIntegerField(default=0)

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


class Correction(models.Model):
    """A dated correction note, shown at the foot of the article."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="corrections"
    )
    text = models.TextField(help_text="What was wrong and what is right.")
    corrected_at = models.DateTimeField(default=timezone.now)

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
