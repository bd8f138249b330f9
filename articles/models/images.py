"""
Pictures: the Image with its editorial metadata and rights, its tags, the
record of a rebuild of every picture's renditions (RenditionRebuild) and the
receivers that keep files and the rendition index right. The Rendition rows
and what pages read instead of them are in articles/models/renditions.py;
encoding is in articles/images.py; the worker that makes the full set of
renditions, and retries it, in articles/renditions.py.
"""

from datetime import datetime, time
from pathlib import Path

from django.db import models, transaction
from django.db.models import Q, prefetch_related_objects
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver
from django.utils import timezone
from django.utils.functional import cached_property
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from newsroom.cache import ReaderVisible
from newsroom.fields import ImageField, staff_member
from newsroom.rows import BuiltFromRows, JSONField

from .. import images
from .renditions import (
    PictureSources,
    Rendition,
    ShapedPicture,
    StoredRendition,
    picture_sources_recipe,
    shape_held,
)

# Sent inside Image.save() when a picture's renditions are to be made (its
# file changed or its focal point moved); articles.renditions queues the
# worker and answers with the task's result.
renditions_wanted = Signal()


def day_start(day):
    """Midnight at the start of `day` in the newsroom's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


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

    def matching(self, words):
        """
        Pictures whose alt text, caption, credit or one of whose tags holds
        each of the `words` (a string, split on spaces), newest first.
        """
        pictures = self
        for word in words.split():
            tagged = TaggedImage.objects.filter(tag__name__icontains=word)
            pictures = pictures.filter(
                Q(alt_text__icontains=word)
                | Q(caption__icontains=word)
                | Q(credit__icontains=word)
                | Q(pk__in=tagged.values("content_object"))
            )
        return pictures.order_by("-created_at", "-pk")

    def renditions_due(self, now=None):
        """Pictures waiting for their renditions whose next attempt has come."""
        return self.filter(
            renditions_status=Image.RenditionsStatus.WAITING,
            renditions_due_at__lte=now or timezone.now(),
        )


class Image(BuiltFromRows, ReaderVisible, PictureSources, models.Model):
    """An uploaded picture with its editorial metadata and its renditions."""

    class RenditionsStatus(models.TextChoices):
        WAITING = "waiting", "Waiting for the worker"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    file = ImageField(
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
    uploaded_by = staff_member(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    rendition_index = JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="Every rendition as [shape, format, width, height, file name], "
        "recorded when they are made, so pages show the picture without "
        "reading its renditions. Empty (null) while unknown.",
    )
    picture_sources = JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="What pages write of the picture, per shape: a srcset per "
        "format and the <img> JPEG's URL, width and height, made with the "
        "renditions (picture_sources_recipe() says under which settings), so "
        "no page builds them again. Empty (null) while unknown.",
    )
    renditions_status = models.CharField(
        "renditions",
        max_length=8,
        choices=RenditionsStatus,
        default=RenditionsStatus.WAITING,
        editable=False,
        help_text="Whether the worker has made the full set of renditions; "
        "until it has, pages show the small one made when the picture was saved.",
    )
    renditions_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    renditions_due_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the worker next tries to make the renditions (while waiting).",
    )
    renditions_error = models.CharField(max_length=300, blank=True, editable=False)
    renditions_made_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the full set of renditions was last made.",
    )
    tags = TaggableManager(
        through="TaggedImage",
        blank=True,
        help_text="Words editors find the picture by in the library, comma-separated.",
    )

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["renditions_status", "renditions_due_at"],
                name="image_renditions_due_idx",
            ),
            # The next picture whose rights end (navigation.change_moments),
            # read with the site frame after every change: without it the
            # whole library is scanned (21-28 ms at 50,000 pictures).
            models.Index(
                fields=["rights_expire_on"],
                name="image_rights_expire_idx",
                condition=Q(rights_expire_on__isnull=False),
            ),
        ]
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
        other metadata, see images.clean_original) with one small JPEG to
        show it by, and queue the full set of renditions for the worker
        whenever the file changed; a moved focal point queues its crops. So
        every way of saving an Image (admin, shell, `Image.objects.create()`)
        returns quickly and leaves it ready to show.
        Raises ValidationError for a file that is not an acceptable picture.
        """
        stored_now = small = None
        if self.file and not self.file._committed:
            original = images.clean_original(self.file)
            self.file.save(original.content.name, original.content, save=False)
            self.width, self.height = original.width, original.height
            stored_now, small = self.file.name, original.small
        previous = self._stored_file_name
        file_changed = bool(self.file) and self.file.name != previous
        focal_point = (self.focal_point_x, self.focal_point_y)
        focal_changed = self._stored_focal_point not in (None, focal_point)
        queue = file_changed or (focal_changed and bool(self.file))
        if queue:
            self.renditions_status = self.RenditionsStatus.WAITING
            self.renditions_attempts = 0
            self.renditions_due_at = timezone.now()
            self.renditions_error = ""
            if "update_fields" in kwargs:
                kwargs["update_fields"] = {*kwargs["update_fields"], *RENDITION_STATE}
        try:
            with transaction.atomic():
                super().save(*args, **kwargs)
                if file_changed:
                    self.make_small_rendition(small)
                if queue:
                    answers = renditions_wanted.send(sender=Image, image=self)
        except BaseException:
            if stored_now:
                self.file.storage.delete(stored_now)
            raise
        if file_changed and previous:
            storage = self.file.storage
            transaction.on_commit(lambda: storage.delete(previous))
        self._stored_file_name = self.file.name
        self._stored_focal_point = focal_point
        if queue and any(
            result is not None and result.is_finished for _receiver, result in answers
        ):
            # Made at once (the immediate task backend): show them.
            self.refresh_from_db(
                fields=[*RENDITION_STATE, "renditions_made_at", *RECORDED]
            )
            self.forget_shown_renditions()

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        read = instance.__dict__  # the fields read, as the row gave them
        if "file" in read:
            # The name, as the file's descriptor would make it into a
            # FieldFile: a card never asks for the file.
            name = read["file"]
            instance._stored_file_name = getattr(name, "name", name)
        if "focal_point_x" in read and "focal_point_y" in read:
            instance._stored_focal_point = (
                read["focal_point_x"],
                read["focal_point_y"],
            )
        return instance

    # The file name and focal point as last read from or written to the database.
    _stored_file_name = None
    _stored_focal_point = None

    @classmethod
    def awaiting_renditions(cls, upload, **fields):
        """
        An unsaved picture of `upload` for bulk_create, when it is an upright
        JPEG: its file stored at once without its metadata, read and copied
        but not decoded (images.stripped_upright_jpeg), and every rendition,
        the small JPEG too, left to the worker; pages show the original at
        its own size meanwhile. None for any other file (save it as usual,
        which cleans it). Queue the worker once the rows are written
        (articles.renditions.enqueue_renditions), and delete the stored file
        should they not be.
        """
        original = images.stripped_upright_jpeg(upload)
        if original is None:
            return None
        image = cls(
            width=original.width,
            height=original.height,
            rendition_index=[],
            renditions_due_at=timezone.now(),
            **fields,
        )
        image.file.save(original.content.name, original.content, save=False)
        image._stored_file_name = image.file.name
        return image

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

    def make_small_rendition(self, encoded=None):
        """
        Replace this image's renditions with the one small JPEG pages show
        until the full set exists: `encoded` (made as the upload was
        cleaned), else encoded from the stored file (images.encode_small).
        """
        if encoded is None:
            with self.file.open("rb") as source:
                encoded = images.encode_small(source)
        return self._store_renditions([encoded], self.renditions.all())

    def make_renditions(self, formats=images.RENDITION_FORMATS, shapes_only=False):
        """
        Replace this image's renditions with freshly encoded ones: every
        format in `formats` at each width of images.RENDITION_WIDTHS the
        original is at least as wide as (one at its own width if it is
        narrower), and the fixed shapes of images.SHAPES cut around the focal
        point. With shapes_only, only the shapes are made again (the focal
        point moved). Raises RenditionsOutdated, storing nothing, when the
        file or focal point in the database changed meanwhile (they were
        encoded from what is no longer there).
        """
        with self.file.open("rb") as source:
            encoded = [] if shapes_only else images.encode_renditions(source, formats)
            encoded += images.encode_shapes(
                source, self.focal_point_x, self.focal_point_y, formats=formats
            )
        replaced = self.renditions.all()
        if shapes_only:
            replaced = replaced.exclude(shape="")
        return self._store_renditions(encoded, replaced, check_source=True)

    def _store_renditions(self, encoded, replaced, check_source=False):
        """
        Store `encoded` renditions in place of the `replaced` ones and record
        the index. The old files are deleted once the transaction commits;
        the new ones are deleted again if storing them fails.
        """
        stem = Path(self.file.name).stem
        renditions = []
        try:
            with transaction.atomic():
                if check_source:
                    self._check_source()
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

    def _check_source(self):
        """Lock the row; raise RenditionsOutdated unless it shows what was encoded."""
        stored = (
            Image.objects.select_for_update()
            .filter(pk=self.pk)
            .values_list("file", "focal_point_x", "focal_point_y")
            .first()
        )
        if stored != (self.file.name, self.focal_point_x, self.focal_point_y):
            raise RenditionsOutdated(f"Picture {self.pk} changed meanwhile.")

    def missing_renditions(self, shapes=True):
        """
        The (shape, format, width) this picture should have for the current
        sizes (images.expected_renditions) but has not: its whole picture's,
        and its crops' unless `shapes` is false.
        """
        expected = images.expected_renditions(
            self.width, self.height, self.focal_point_x, self.focal_point_y
        )
        if not shapes:
            expected = {entry for entry in expected if not entry[0]}
        present = {(r.shape, r.format, r.width) for r in self.shown_renditions()}
        return expected - present

    def record_renditions(self):
        """
        Store the index of this image's renditions (rendition_index), read
        from the table, so pages need not read the table again.
        """
        self.forget_shown_renditions()
        self.rendition_index = [
            [r.shape, r.format, r.width, r.height, r.file.name]
            for r in self.renditions.order_by("shape", "format", "width")
        ]
        self.record_sources()
        Image.objects.filter(pk=self.pk).update(
            rendition_index=self.rendition_index, picture_sources=self.picture_sources
        )

    def record_sources(self):
        """
        Make picture_sources from the rendition index, for every shape that
        has renditions, under the current picture_sources_recipe().
        """
        shapes = sorted({entry[0] for entry in self.rendition_index or ()})
        self.picture_sources = {
            "recipe": picture_sources_recipe(),
            "shapes": {
                shape: (
                    ShapedPicture(self, shape) if shape else self
                ).sources_to_store()
                for shape in shapes
            },
        }
        # Made from the index just read: what is shown is read again on use.
        self.forget_shown_renditions()

    def forget_shown_renditions(self):
        getattr(self, "_prefetched_objects_cache", {}).pop("renditions", None)
        self.__dict__.pop("_shown_renditions", None)

    @property
    def _stored_shapes(self):
        """
        picture_sources' shapes while they hold (made under the current
        recipe, with the rendition index known), else None. They are written
        and cleared with the index (record_renditions,
        forget_rendition_index), so a picture read without its index (cards
        leave it in the database) is shown from them alone.
        """
        stored = self.picture_sources
        if (
            stored is None
            or stored["recipe"] != picture_sources_recipe()
            or (self._index_read() and self.rendition_index is None)
        ):
            return None
        return stored["shapes"]

    def _index_read(self):
        """Whether the rendition index was read (not deferred) with the row."""
        return "rendition_index" in self.__dict__  # as get_deferred_fields() tells

    def stored_sources(self, shape=""):
        shapes = self._stored_shapes
        return None if shapes is None else shapes.get(shape)

    # For the picture template tag and structured data. These read
    # the stored rendition_index, so they run no query; an image without one
    # (its renditions changed outside make_renditions) uses its prefetched
    # renditions, else fetches them once for this instance.

    @cached_property
    def _shown_renditions(self):
        prefetched = getattr(self, "_prefetched_objects_cache", {})
        if "renditions" not in prefetched and self.rendition_index is not None:
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

    def rendition_signature(self, shape=None):
        """
        What identifies the renditions shown (for fragment cache keys): the
        stored sources while they hold (they are what pages show), else the
        renditions. With `shape`, while the sources hold, only those of the
        picture in_shape(shape) shows: a card's key hashes its own shape's
        sources, not every shape's (a third of them).
        """
        shapes = self._stored_shapes
        if shapes is not None:
            if shape is not None:
                # The stored sources of in_shape(shape), their holding read once.
                shown = shapes.get(shape if shape_held(shapes, shape) else "")
                if shown is not None:
                    return shown
            return shapes
        return [
            (r.shape, r.format, r.width, r.file.name) for r in self.shown_renditions()
        ]

    def needs_renditions(self):
        """
        Whether showing this picture reads its renditions, not loaded yet:
        its rendition index is unknown, or was not read (cards leave it in
        the database) and its stored sources do not hold.
        """
        if "renditions" in getattr(self, "_prefetched_objects_cache", {}):
            return False
        if not self._index_read():
            return self._stored_shapes is None
        return self.rendition_index is None

    def _renditions(self, format, shape=""):
        return [
            r for r in self._shown_renditions if r.format == format and r.shape == shape
        ]

    def renditions_in(self, format):
        """The whole picture's renditions in `format`, narrowest first."""
        return self._renditions(format)

    @property
    def fallback_url(self):
        """URL of fallback_rendition, or of the original when there is none."""
        fallback = self.fallback()
        return fallback[0] if fallback else self.file.url

    @property
    def thumbnail_rendition(self):
        """The narrowest JPEG rendition (the admin's thumbnails), or None."""
        jpegs = self._renditions(Rendition.Format.JPEG)
        return jpegs[0] if jpegs else None

    def in_shape(self, shape):
        """
        The picture cut to one of images.SHAPES ("card", "share"), with the
        same attributes as an Image for the picture template tag; the whole
        picture while that shape has not been made.
        """
        shapes = self._stored_shapes
        if shapes is not None:
            shown = shape_held(shapes, shape)
        else:
            shown = self._renditions(Rendition.Format.JPEG, shape)
        return ShapedPicture(self, shape) if shown else self

    @property
    def share_rendition(self):
        """The 1200×630 JPEG for og:image and twitter:image, or None."""
        jpegs = self._renditions(Rendition.Format.JPEG, "share")
        return jpegs[-1] if jpegs else None


# What Image.record_renditions writes of the renditions made.
RECORDED = ["rendition_index", "picture_sources"]

# What Image.save resets when it queues the renditions (for update_fields).
RENDITION_STATE = [
    "renditions_status",
    "renditions_attempts",
    "renditions_due_at",
    "renditions_error",
]


class RenditionsOutdated(Exception):
    """The picture's file or focal point changed while its renditions were made."""


class TaggedImage(TaggedItemBase):
    """A library picture's tag links, with a real foreign key like articles'."""

    content_object = models.ForeignKey(
        Image, on_delete=models.CASCADE, related_name="tagged_items"
    )

    class Meta:
        verbose_name = "picture tag"
        verbose_name_plural = "picture tags"
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="tagged_image_unique"
            )
        ]


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
    Image.objects.filter(pk=instance.image_id).update(
        rendition_index=None, picture_sources=None
    )


def prefetch_renditions(images):
    """
    Fetch in one query the renditions of those of these pictures that need
    them (Image.needs_renditions: neither stored sources nor a rendition
    index read; None entries are skipped): the others need no query at all.
    """
    prefetch_related_objects(
        [image for image in images if image and image.needs_renditions()],
        "renditions",
    )
