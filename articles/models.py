import html
import re
import secrets
from datetime import datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.postgres.search import (
    SearchRank,
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models, transaction
from django.db.models import Count, Q, prefetch_related_objects
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import slugify
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from newsroom.cache import ReaderVisible, ReaderVisibleQuerySet, content_cached

from . import images, search

# Silent reading of non-fiction by adults (Brysbaert, 2019): about 238 words
# a minute; a round 230 allows for headings and figures.
WORDS_READ_A_MINUTE = 230

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


def reserved_section_slugs():
    """
    First path segments that the URLconf gives to pages other than sections
    (other apps' pages, feeds, the admin) and the static and media URLs: a
    section with one of these slugs would hide them or be hidden by them.
    """
    reserved = {
        url.strip("/").split("/")[0]
        for url in (settings.STATIC_URL, settings.MEDIA_URL)
        if url and "://" not in url
    }

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver) and not route:
                walk(pattern.url_patterns, route)
                continue
            first = route.lstrip("^").split("/")[0]
            if first and re.fullmatch(r"[\w.-]+", first):
                reserved.add(first)

    walk(get_resolver().url_patterns, "")
    return reserved


def validate_section_slug(value):
    if value in reserved_section_slugs():
        raise ValidationError(
            "“%(value)s” is used by another part of the site; choose another.",
            params={"value": value},
        )


def reader_cached(name, compute):
    """
    `compute()`, kept under the page cache's content version (so any change
    a reader could see drops it) when the reading pages' parts may be kept
    (settings.FRAGMENT_CACHE_SECONDS: a cache every process shares); else
    computed each time. See newsroom.cache.content_cached.
    """
    return content_cached(name, compute)


class SectionQuerySet(ReaderVisibleQuerySet):
    def in_menu(self):
        """
        Every section in menu order, from the cache when possible (the
        section bar on every page, the default front page): see
        `reader_cached`.
        """
        return reader_cached("sections", lambda: list(self.all()))


class Section(ReaderVisible, models.Model):
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

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", args=[self.slug])


class Author(ReaderVisible, models.Model):
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

    def save(self, *args, **kwargs):
        renamed = (
            self.pk is not None
            and Author.objects.filter(pk=self.pk).exclude(name=self.name).exists()
        )
        super().save(*args, **kwargs)
        if renamed:
            Article.objects.filter(
                pk__in=ArticleAuthor.objects.filter(author=self).values("article")
            ).refresh_byline_names()

    def get_absolute_url(self):
        return reverse("articles:author", args=[self.slug])


class ImageQuerySet(models.QuerySet):
    def rights_lapsing(self):
        """Pictures whose rights end at a time to come, soonest first."""
        return self.filter(rights_expire_on__gt=timezone.localdate()).order_by(
            "rights_expire_on"
        )

    def next_rights_lapse(self):
        """
        When the rights of a picture next end (the start of its
        rights_expire_on day), or None.
        """
        day = self.rights_lapsing().values_list("rights_expire_on", flat=True).first()
        return day_start(day) if day else None


class Image(ReaderVisible, models.Model):
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
    licence = models.CharField(
        max_length=200,
        blank=True,
        help_text="On what terms the paper may use it, e.g. “Staff photograph”, "
        "“Agency subscription”, “CC BY 4.0”, “Handout”.",
    )
    source = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where it came from: the agency and its reference, the "
        "photographer, or the address it was taken from.",
    )
    rights_expire_on = models.DateField(
        "rights expire on",
        null=True,
        blank=True,
        help_text="From this day on (in the newsroom's time zone) the picture may "
        "no longer be shown: articles using it cannot be published and live ones "
        "show no picture. Leave empty when the rights do not expire.",
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
    rendition_index = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="Every rendition as [shape, format, width, height, file name], "
        "recorded when they are made, so pages show the picture without "
        "reading its renditions. Empty (null) while unknown.",
    )

    objects = ImageQuerySet.as_manager()

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

    def save(self, *args, **kwargs):
        """
        Store a newly assigned file cleaned (upright, without EXIF/GPS and
        other metadata, see images.clean_original) and rebuild the renditions
        whenever the file changed, so every way of saving an Image (admin,
        shell, `Image.objects.create(...)`) leaves it ready to show.
        Raises ValidationError for a file that is not an acceptable picture.
        """
        stored_now = None
        if self.file and not self.file._committed:
            original = images.clean_original(self.file)
            self.file.save(original.content.name, original.content, save=False)
            self.width, self.height = original.width, original.height
            stored_now = self.file.name
        previous = self._stored_file_name
        file_changed = bool(self.file) and self.file.name != previous
        focal_point = (self.focal_point_x, self.focal_point_y)
        focal_changed = self._stored_focal_point not in (None, focal_point)
        try:
            with transaction.atomic():
                super().save(*args, **kwargs)
                if file_changed:
                    self.make_renditions()
                elif focal_changed and self.file:
                    self.make_renditions(shapes_only=True)
        except BaseException:
            if stored_now:
                self.file.storage.delete(stored_now)
            raise
        if file_changed and previous:
            storage = self.file.storage
            transaction.on_commit(lambda: storage.delete(previous))
        self._stored_file_name = self.file.name
        self._stored_focal_point = focal_point

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        if "file" in field_names:
            instance._stored_file_name = instance.file.name
        if {"focal_point_x", "focal_point_y"} <= set(field_names):
            instance._stored_focal_point = (
                instance.focal_point_x,
                instance.focal_point_y,
            )
        return instance

    # The file name and focal point as last read from or written to the database.
    _stored_file_name = None
    _stored_focal_point = None

    @property
    def rights_lapse_at(self):
        """The moment the rights end (midnight starting rights_expire_on), or None."""
        if self.rights_expire_on is None:
            return None
        return day_start(self.rights_expire_on)

    def rights_expired(self, moment=None):
        """Whether the picture may no longer be shown at `moment` (default now)."""
        lapse = self.rights_lapse_at
        return lapse is not None and lapse <= (moment or timezone.now())

    def make_renditions(self, formats=images.RENDITION_FORMATS, shapes_only=False):
        """
        Replace this image's renditions with freshly encoded ones: every
        format in `formats` at each width of images.RENDITION_WIDTHS the
        original is at least as wide as (one at its own width if it is
        narrower), and the fixed shapes of images.SHAPES cut around the focal
        point. With shapes_only, only the shapes are made again (the focal
        point moved). The old rendition files are deleted once the
        transaction commits; the new ones are deleted again if storing them
        fails.
        """
        with self.file.open("rb") as source:
            encoded = [] if shapes_only else images.encode_renditions(source, formats)
            encoded += images.encode_shapes(
                source, self.focal_point_x, self.focal_point_y, formats=formats
            )
        stem = Path(self.file.name).stem
        renditions = []
        try:
            with transaction.atomic():
                replaced = self.renditions.all()
                if shapes_only:
                    replaced = replaced.exclude(shape="")
                replaced.delete()
                for item in encoded:
                    rendition = Rendition(
                        image=self,
                        shape=item.shape,
                        format=item.format,
                        width=item.width,
                        height=item.height,
                    )
                    extension = "jpg" if item.format == "jpeg" else item.format
                    name = "-".join(filter(None, [stem, item.shape, str(item.width)]))
                    rendition.file.save(f"{name}.{extension}", item.content, save=False)
                    renditions.append(rendition)
                Rendition.objects.bulk_create(renditions)
                self.record_renditions()
        except BaseException:
            for rendition in renditions:
                rendition.file.storage.delete(rendition.file.name)
            raise
        return renditions

    def record_renditions(self):
        """
        Store the index of this image's renditions (rendition_index), read
        from the table, so pages need not read the table again.
        """
        getattr(self, "_prefetched_objects_cache", {}).pop("renditions", None)
        self.__dict__.pop("_shown_renditions", None)
        self.rendition_index = [
            [r.shape, r.format, r.width, r.height, r.file.name]
            for r in self.renditions.order_by("shape", "format", "width")
        ]
        Image.objects.filter(pk=self.pk).update(rendition_index=self.rendition_index)

    # For templates (includes/picture.html) and structured data. These read
    # the stored rendition_index, so they run no query; an image without one
    # (its renditions changed outside make_renditions) uses its prefetched
    # renditions, else fetches them once for this instance.

    @cached_property
    def _shown_renditions(self):
        prefetched = getattr(self, "_prefetched_objects_cache", {})
        if self.rendition_index is not None and "renditions" not in prefetched:
            return [StoredRendition(*entry) for entry in self.rendition_index]
        if "renditions" not in prefetched:
            prefetch_related_objects([self], "renditions")
        return sorted(self.renditions.all(), key=lambda r: (r.shape, r.format, r.width))

    def shown_renditions(self):
        """
        The renditions pages show, by shape, format and width: stored
        records (StoredRendition) or Rendition rows, alike for templates.
        """
        return self._shown_renditions

    def rendition_signature(self):
        """What identifies the renditions shown (for fragment cache keys)."""
        if self.rendition_index is not None:
            return self.rendition_index
        return [
            (r.shape, r.format, r.width, r.file.name) for r in self.shown_renditions()
        ]

    def _renditions(self, format, shape=""):
        return [
            r for r in self._shown_renditions if r.format == format and r.shape == shape
        ]

    def srcset(self, format):
        """
        The `srcset` value for one format ("avif", "webp" or "jpeg"):
        "<url> 400w, <url> 800w, …", narrowest first; "" when there are no
        renditions in that format. Templates use the properties below.
        """
        return ", ".join(f"{r.file.url} {r.width}w" for r in self._renditions(format))

    @property
    def avif_srcset(self):
        return self.srcset(Rendition.Format.AVIF)

    @property
    def webp_srcset(self):
        return self.srcset(Rendition.Format.WEBP)

    @property
    def jpeg_srcset(self):
        """For the <img srcset>: every browser decodes JPEG."""
        return self.srcset(Rendition.Format.JPEG)

    @property
    def sources(self):
        """
        The modern formats present, best first, for `<source>` elements:
        a list of {"type": "image/avif", "srcset": "…"} dicts (JPEG excluded,
        it belongs on the <img>).
        """
        return [
            {"type": f"image/{format}", "srcset": srcset}
            for format in (Rendition.Format.AVIF, Rendition.Format.WEBP)
            if (srcset := self.srcset(format))
        ]

    @property
    def fallback_rendition(self):
        """
        The JPEG rendition for `<img src>`: the widest at most 800 pixels
        wide, else the narrowest; None when there are no renditions. Its
        width and height give the <img> its aspect ratio.
        """
        jpegs = self._renditions(Rendition.Format.JPEG)
        fitting = [r for r in jpegs if r.width <= 800]
        if fitting:
            return fitting[-1]
        return jpegs[0] if jpegs else None

    @property
    def fallback_url(self):
        """URL of fallback_rendition, or of the original when there is none."""
        rendition = self.fallback_rendition
        return rendition.file.url if rendition else self.file.url

    @property
    def thumbnail_rendition(self):
        """The narrowest JPEG rendition (the admin's thumbnails), or None."""
        jpegs = self._renditions(Rendition.Format.JPEG)
        return jpegs[0] if jpegs else None

    def in_shape(self, shape):
        """
        The picture cut to one of images.SHAPES ("card", "share"), with the
        same attributes as an Image for includes/picture.html; the whole
        picture while that shape has not been made.
        """
        if self._renditions(Rendition.Format.JPEG, shape):
            return ShapedPicture(self, shape)
        return self

    @property
    def share_rendition(self):
        """The 1200×630 JPEG for og:image and twitter:image, or None."""
        jpegs = self._renditions(Rendition.Format.JPEG, "share")
        return jpegs[-1] if jpegs else None


class StoredRendition:
    """A rendition as recorded in Image.rendition_index: no row, no query."""

    def __init__(self, shape, format, width, height, name):
        self.shape = shape
        self.format = format
        self.width = width
        self.height = height
        self.file = FieldFile(None, Rendition._meta.get_field("file"), name)

    @property
    def mime_type(self):
        return f"image/{self.format}"


class ShapedPicture:
    """An Image seen through the renditions of one fixed shape."""

    def __init__(self, image, shape):
        self.image = image
        self.shape = shape
        self.alt_text = image.alt_text

    def srcset(self, format):
        return ", ".join(
            f"{r.file.url} {r.width}w"
            for r in self.image._renditions(format, self.shape)
        )

    @property
    def jpeg_srcset(self):
        return self.srcset(Rendition.Format.JPEG)

    @property
    def sources(self):
        return [
            {"type": f"image/{format}", "srcset": srcset}
            for format in (Rendition.Format.AVIF, Rendition.Format.WEBP)
            if (srcset := self.srcset(format))
        ]

    @property
    def fallback_rendition(self):
        """The widest JPEG at most 800 pixels wide, else the narrowest."""
        jpegs = self.image._renditions(Rendition.Format.JPEG, self.shape)
        fitting = [r for r in jpegs if r.width <= 800]
        return fitting[-1] if fitting else jpegs[0]

    @property
    def fallback_url(self):
        return self.fallback_rendition.file.url

    @property
    def width(self):
        return self.fallback_rendition.width

    @property
    def height(self):
        return self.fallback_rendition.height


class Rendition(ReaderVisible, models.Model):
    """One resized, re-encoded copy of an Image, made when the image is saved."""

    class Format(models.TextChoices):
        AVIF = "avif", "AVIF"
        WEBP = "webp", "WebP"
        JPEG = "jpeg", "JPEG"

    image = models.ForeignKey(
        Image, on_delete=models.CASCADE, related_name="renditions"
    )
    shape = models.CharField(
        max_length=8,
        blank=True,
        default="",
        help_text="Empty for the picture's own shape, else the name of a fixed "
        "shape cut around the focal point (articles.images.SHAPES).",
    )
    format = models.CharField(max_length=4, choices=Format)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    file = models.ImageField(upload_to="renditions/%Y/%m/")

    class Meta:
        ordering = ["image", "shape", "format", "width"]
        constraints = [
            models.UniqueConstraint(
                fields=["image", "shape", "format", "width"],
                name="rendition_unique_size",
            )
        ]

    def __str__(self):
        shape = f" {self.shape}" if self.shape else ""
        return f"{self.image_id}{shape} {self.format} {self.width}w"

    @property
    def mime_type(self):
        return f"image/{self.format}"


@receiver(post_delete, sender=Image)
@receiver(post_delete, sender=Rendition)
def delete_image_file(sender, instance, **kwargs):
    """
    Remove the stored file of a deleted Image or Rendition once the deletion
    commits (queryset and cascade deletes included, which skip delete()).
    """
    if instance.file.name:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: storage.delete(name))


@receiver(post_save, sender=Rendition)
@receiver(post_delete, sender=Rendition)
def forget_rendition_index(sender, instance, **kwargs):
    """
    A rendition written or deleted one by one (not by make_renditions, which
    records the index afterwards) leaves its image's index unknown, so pages
    read the renditions themselves until they are made again.
    """
    Image.objects.filter(pk=instance.image_id).update(rendition_index=None)


class TaggedArticle(ReaderVisible, TaggedItemBase):
    """Tag links with a real foreign key, so tag pages join on an index."""

    content_object = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="tagged_items"
    )

    objects = ReaderVisibleQuerySet.as_manager()
    # Readers see taggit's tags (their names, on tag pages) through these rows.
    reader_visible_also = ("taggit.Tag",)

    class Meta:
        verbose_name = "tag"
        verbose_name_plural = "tags"
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="tagged_article_unique"
            )
        ]


def prefetch_renditions(images):
    """
    Fetch in one query the renditions of those of these pictures that have
    no rendition_index (None entries, and pictures whose renditions are
    already loaded, are skipped): the others need no query at all.
    """
    prefetch_related_objects(
        [image for image in images if image and image.rendition_index is None],
        "renditions",
    )


def sanitize_body(html):
    """
    Clean article HTML with the body field's own sanitizer (nh3, allowing
    what BODY_EDITOR_EXTENSIONS offer; links only to http, https and mailto).
    """
    # Lone surrogates (never valid text, but a str can hold them) would make
    # the sanitizer raise; they become U+FFFD like undecodable bytes do.
    html = (html or "").encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    sanitize = Article._meta.get_field("body").sanitize
    clean = sanitize(html)
    # One pass can leave markup that parses differently the next time (an
    # <a> inside an <a>, once a <table> between them is dropped): sanitize
    # again until nothing changes, so saving a body twice keeps it as it is.
    for _ in range(4):
        again = sanitize(clean)
        if again == clean:
            break
        clean = again
    return clean


def bylines_in_order():
    """Prefetch of an article's bylines with their authors, in byline order."""
    return models.Prefetch(
        "bylines",
        queryset=ArticleAuthor.objects.select_related("author").order_by(
            "position", "pk"
        ),
    )


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
        Articles matching the reader's `query` (see articles.search), best
        match first: a match in the headline ranks above one in the
        standfirst, the body, then the byline names; newer first among
        equals. Apply every filter first and call it last, on published()
        for reader pages. A query with no word to look for (empty, or only
        -excluded words) matches nothing.

        Ranking reads every match's whole document, so only the newest
        search.RANKED_MATCHES matches are ranked and returned: the cost of a
        common word stays flat as the archive grows. Their keys are fetched
        here, in one query, so that the page and its count read a short list
        instead of searching twice.
        """
        matches, rank = self.search_matches(query)
        newest = matches.order_by("-published_at", "-pk").values_list("pk", flat=True)
        keys = list(newest[: search.RANKED_MATCHES])
        return (
            self.filter(pk__in=keys)
            .annotate(rank=rank)
            .order_by("-rank", "-published_at", "-pk")
        )

    def search_matches(self, query):
        """
        The articles matching `query`, unordered, and the expression that
        ranks them (see search()).
        """
        query = search.clean_query(query)
        terms = search.query_terms(query)
        wanted = [text for text, excluded in terms if not excluded]
        if not wanted:
            return self.none(), models.Value(0)
        if search.is_postgresql(self.db):
            terms = search.web_search_query(query)
            rank = SearchRank(
                models.F("search_vector"), terms, weights=search.RANK_WEIGHTS
            )
            return self.filter(search_vector=terms), rank
        fields = ("title", "standfirst", "body", "byline_names")
        condition, rank = Q(), models.Value(0)
        for text, excluded in terms:
            anywhere = Q()
            for field in fields:
                anywhere |= Q(**{f"{field}__icontains": text})
            condition &= ~anywhere if excluded else anywhere
            if not excluded:
                rank += models.Case(
                    *(
                        models.When(Q(**{f"{field}__icontains": text}), then=weight)
                        for field, weight in zip(fields, (8, 4, 2, 1), strict=True)
                    ),
                    default=0,
                )
        return self.filter(condition), rank

    def spelling_suggestion(self, query):
        """
        "Did you mean": the query with its misspelt words replaced by the
        closest words of these articles' headlines, or None. On PostgreSQL
        the candidates come from pg_trgm word similarity (indexed), one
        query per word; elsewhere from the latest headlines, one query.
        """
        query = search.clean_query(query)
        if not search.is_postgresql(self.db):
            latest = []

            def latest_headlines(word):
                if not latest:
                    latest.extend(
                        self.latest_first().values_list("title", flat=True)[:2000]
                    )
                return latest

            return search.suggest_spelling(query, latest_headlines)

        def similar_headlines(word):
            return (
                self.filter(title__trigram_word_similar=word)
                .annotate(similarity=TrigramWordSimilarity(word, "title"))
                .order_by("-similarity")
                .values_list("title", flat=True)[:5]
            )

        with transaction.atomic(using=self.db):
            with connections[self.db].cursor() as cursor:
                # pg_trgm's default (0.6) misses a swapped pair of letters
                # in a long word; for this transaction only.
                cursor.execute(
                    "SET LOCAL pg_trgm.word_similarity_threshold = %s",
                    [search.SUGGESTION_WORD_SIMILARITY],
                )
            return search.suggest_spelling(query, similar_headlines)

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


def day_start(day):
    """Midnight at the start of `day` in the newsroom's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    def get_queryset(self):
        # The stored search document is kilobytes per article that no page
        # shows; only the database reads it.
        return super().get_queryset().defer("search_vector")


class Article(ReaderVisible, models.Model):
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

    # What an article's card (templates/includes/article_card.html) shows of
    # it, named as the template names it: card_fingerprint() is made of
    # these, and tests/articles/test_card_cache.py fails when the card
    # template names anything else. "bylines" is the byline (names, links and
    # roles, includes/byline.html); "lead_picture" the picture in the card's
    # shape (includes/picture.html).
    CARD_SHOWS = (
        "pk",
        "title",
        "standfirst",
        "kind",
        "get_kind_display",
        "published_at",
        "get_absolute_url",
        "section.name",
        "section.get_absolute_url",
        "bylines",
        "lead_picture",
    )

    def card_fingerprint(self, options):
        """
        Everything the article's card shows (CARD_SHOWS), and how it is shown
        (`options`): its cache key changes with any edit to any of them.
        """
        shown = [options, settings.MEDIA_URL]
        for path in self.CARD_SHOWS:
            if path == "bylines":
                value = [
                    (b.author.pk, b.author.name, b.author.slug, b.role)
                    for b in self.ordered_bylines()
                ]
            elif path == "lead_picture":
                image = self.lead_picture  # none once its rights have lapsed
                value = image and (
                    image.pk,
                    image.file.name,
                    image.alt_text,
                    image.width,
                    image.height,
                    image.rendition_signature(),
                )
            else:
                value = self
                for name in path.split("."):
                    value = getattr(value, name)
                    value = value() if callable(value) else value
            shown.append((path, value))
        return tuple(shown)


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
        Article, on_delete=models.CASCADE, related_name="bylines"
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


def staff_name(user):
    """A staff member as the admin names them: full name, else username;
    "the system" for a change no one made (or whose account is gone)."""
    if user is None:
        return "the system"
    return user.get_full_name() or user.get_username()


class Revision(models.Model):
    """
    The editable content of an article as one save left it (see
    articles.revisions: what is kept, comparing, restoring).
    """

    # Indexed by revision_article_idx, which starts with it.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="revisions", db_index=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.CharField(max_length=255, blank=True)
    content = models.JSONField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["article", "-created_at", "-id"], name="revision_article_idx"
            )
        ]

    def __str__(self):
        return f"{self.article_id} at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def created_by_name(self):
        """Who saved it (see staff_name)."""
        return staff_name(self.created_by)


class ArticleTransition(models.Model):
    """
    One step of an article through the newsroom's workflow (submitted, sent
    back, approved, published, scheduled, unpublished): who, when, from
    which state to which, and their comment (see articles.workflow).
    """

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="transitions", db_index=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_status = models.CharField(max_length=10, choices=Article.Status, blank=True)
    to_status = models.CharField(max_length=10, choices=Article.Status)
    # For publications: when the article goes (or went) live.
    published_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["article", "-created_at", "-id"],
                name="transition_article_idx",
            )
        ]

    def __str__(self):
        return f"{self.article_id}: {self.from_status or 'new'} → {self.to_status}"

    @property
    def created_by_name(self):
        """Who took the step (see staff_name)."""
        return staff_name(self.created_by)

    @property
    def is_send_back(self):
        return (
            self.from_status == Article.Status.REVIEW
            and self.to_status == Article.Status.DRAFT
        )

    def describe(self):
        """What happened, in words: "Submitted for review", "Sent back", …"""
        Status = Article.Status
        if self.to_status == Status.PUBLISHED:
            verb = "Approved" if self.from_status == Status.REVIEW else "Published"
            if self.published_at and self.published_at > self.created_at:
                when = timezone.localtime(self.published_at)
                return f"{verb}: scheduled for {when:%a} {when.day} {when:%b %Y %H:%M}"
            if self.from_status == Status.PUBLISHED:
                return "Publication time changed"
            return f"{verb}: live" if verb == "Approved" else "Published"
        if self.to_status == Status.REVIEW:
            return "Submitted for review"
        if self.is_send_back:
            return "Sent back to the writer"
        if self.from_status == Status.PUBLISHED:
            return "Unpublished"
        return "Back to draft" if self.from_status else "Created as a draft"


class ShareLinkQuerySet(models.QuerySet):
    def active(self):
        """Links that still open their article: not revoked, not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def at_address(self, signed):
        """
        The link whose address ends in `signed` (see ShareLink.signed_token),
        or None. A token whose signature is wrong costs no query.
        """
        try:
            token = ShareLink.signer().unsign(signed)
        except signing.BadSignature:
            return None
        return self.filter(token=token).first()


class ShareLink(models.Model):
    """
    A link that lets someone without a login (a lawyer, a source) read one
    article before it is live, until it expires or is revoked. The address
    carries the random token signed with the secret key (see
    `signer`).
    """

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="share_links"
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    note = models.CharField(
        max_length=200, blank=True, help_text="Who it is for, e.g. “Our solicitor”."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Share link to {self.article_id} until {self.expires_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self.token:
            self.token = secrets.token_urlsafe(32)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:shared", args=[self.signer().sign(self.token)])

    @staticmethod
    def signer():
        """
        Signs the token in the address with the secret key: a guessed or
        altered address is refused before the database is asked, and a new
        secret key withdraws every link at once.
        """
        return signing.Signer(salt="articles.share-link")

    def is_active(self):
        return self.revoked_at is None and self.expires_at > timezone.now()


class ArticleOpeningQuerySet(models.QuerySet):
    # "The last few minutes" of the change form's "also open" notice.
    RECENT = timedelta(minutes=10)

    def record(self, article, user):
        """Note that `user` opens `article` now (one upsert query)."""
        self.bulk_create(
            [ArticleOpening(article=article, user=user, opened_at=timezone.now())],
            update_conflicts=True,
            unique_fields=["article", "user"],
            update_fields=["opened_at"],
        )

    def others_recently(self, article, user):
        """Who else opened `article` in the last few minutes, latest first."""
        return (
            self.filter(article=article, opened_at__gte=timezone.now() - self.RECENT)
            .exclude(user=user)
            .select_related("user")
            .order_by("-opened_at")
        )


class ArticleOpening(models.Model):
    """
    When a user last opened an article's change form, so the form can show
    who else has it open. Rows are in the database, so this works with or
    without Redis.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)

    objects = ArticleOpeningQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"], name="article_opening_unique"
            )
        ]

    def __str__(self):
        return f"{self.user_id} opened {self.article_id} at {self.opened_at}"


class FrontPageSlot(ReaderVisible, models.Model):
    """
    One block of the front page, in page order: pinned articles first, then
    the latest live articles its rule finds (see articles/front_page.py).
    """

    class Kind(models.TextChoices):
        LEAD = "lead", "Lead story"
        TOP = "top", "Top stories"
        SECTION = "section", "Section block"
        LATEST = "latest", "Latest list"

    kind = models.CharField(max_length=10, choices=Kind, default=Kind.TOP)
    heading = models.CharField(
        max_length=100,
        blank=True,
        help_text="Shown above the block. A section block defaults to the "
        "section's name.",
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order on the front page; lower comes first."
    )
    size = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="How many stories the block shows (a lead shows one).",
    )
    rule_section = models.ForeignKey(
        Section,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="latest in section",
        help_text="Fill the block with the latest articles of this section.",
    )
    rule_tag = models.ForeignKey(
        "taggit.Tag",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="latest with tag",
    )
    rule_kind = models.CharField(
        "latest of kind", max_length=10, choices=Article.Kind, blank=True
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "front page slot"

    def __str__(self):
        return self.display_heading or self.get_kind_display()

    def clean(self):
        if self.kind == self.Kind.SECTION and not self.rule_section_id:
            raise ValidationError(
                {"rule_section": "A section block needs its section."}
            )

    @property
    def display_heading(self):
        if self.heading:
            return self.heading
        if self.kind == self.Kind.SECTION and self.rule_section:
            return self.rule_section.name
        if self.kind == self.Kind.LEAD:
            return ""
        if self.kind == self.Kind.LATEST:
            return "Latest"
        return self.get_kind_display()

    @property
    def capacity(self):
        return 1 if self.kind == self.Kind.LEAD else self.size

    def rule(self):
        """The rule as a filter on articles (all of them when it is empty)."""
        condition = Q()
        if self.rule_section_id:
            condition &= Q(section=self.rule_section_id)
        if self.rule_kind:
            condition &= Q(kind=self.rule_kind)
        if self.rule_tag_id:
            condition &= Q(tagged_items__tag=self.rule_tag_id)
        return condition

    def matches(self, pk, section_id, kind, tagged):
        """
        The rule applied to one article's (pk, section_id, kind) and the
        set of (article, tag) pairs known for it.
        """
        return (
            (not self.rule_section_id or section_id == self.rule_section_id)
            and (not self.rule_kind or kind == self.rule_kind)
            and (not self.rule_tag_id or (pk, self.rule_tag_id) in tagged)
        )

    @property
    def rule_description(self):
        parts = []
        if self.rule_kind:
            parts.append(self.get_rule_kind_display().lower())
        if self.rule_section_id:
            parts.append(f"in {self.rule_section}")
        if self.rule_tag_id:
            parts.append(f"tagged {self.rule_tag}")
        return "latest " + " ".join(parts) if parts else "latest of all"


class FrontPagePin(ReaderVisible, models.Model):
    """An article an editor placed in a slot, ahead of what the rule finds."""

    slot = models.ForeignKey(
        FrontPageSlot, on_delete=models.CASCADE, related_name="pins"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "pinned article"
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "article"], name="front_page_pin_unique"
            )
        ]

    def __str__(self):
        return str(self.article)
