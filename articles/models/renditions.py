"""
Renditions and what reads them: the Rendition rows (one resized,
re-encoded copy of an Image each), the records pages read instead of them
(StoredRendition, ShapedPicture) and PictureSources, what the picture
template tag reads of a whole picture or one of its shapes, from the stored
sources or the renditions. The Image is in articles/models/images.py,
encoding in articles/images.py.
"""

from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.functional import cached_property

from newsroom.cache import ReaderVisible

from .. import images


class PictureSources:
    """
    What the picture template tag (article_tags.picture) reads of a picture:
    a `srcset` per format, the `<source>` list, and the JPEG for `<img src>`.
    They come from the picture's stored sources (Image.picture_sources,
    written with its renditions) when those hold, else from the renditions
    `renditions_in(format)` gives (narrowest first).
    """

    def stored_sources(self):
        """The stored sources of this picture's shape, or None (see Image)."""
        return None

    def srcset(self, format):
        """
        The `srcset` value for one format ("avif", "webp" or "jpeg"):
        "<url> 400w, <url> 800w, …", narrowest first; "" when there are no
        renditions in that format.
        """
        stored = self.stored_sources()
        if stored is not None:
            return stored[format]
        return self.srcset_of_renditions(format)

    def srcset_of_renditions(self, format):
        return ", ".join(f"{r.file.url} {r.width}w" for r in self.renditions_in(format))

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

    def drawn(self):
        """
        What a <picture> of it writes (articles.cards.drawn_html), read once,
        as plain values: ((mime type, srcset) of each modern format present,
        best first; the JPEG srcset where none is; the <img> src, width and
        height; the alt text). A card keeps it as what its picture shows,
        and its key holds it.
        """
        sources = tuple((s["type"], s["srcset"]) for s in self.sources)
        return (
            sources,
            "" if sources else self.jpeg_srcset,
            self.fallback_url,
            self.width,
            self.height,
            self.alt_text,
        )

    @property
    def fallback_rendition(self):
        """
        The JPEG rendition for `<img src>`: the widest at most
        images.FALLBACK_WIDTH pixels wide, else the narrowest; None when there
        are no renditions. Its width and height give the <img> its aspect
        ratio.
        """
        jpegs = self.renditions_in(Rendition.Format.JPEG)
        fitting = [r for r in jpegs if r.width <= images.FALLBACK_WIDTH]
        if fitting:
            return fitting[-1]
        return jpegs[0] if jpegs else None

    def fallback(self):
        """fallback_rendition's [url, width, height], or None."""
        stored = self.stored_sources()
        if stored is not None:
            return stored["fallback"]
        return self.fallback_of_renditions()

    def fallback_of_renditions(self):
        rendition = self.fallback_rendition
        return rendition and [rendition.file.url, rendition.width, rendition.height]

    def sources_to_store(self):
        """
        What Image.picture_sources keeps of this picture's shape, made from
        its renditions: a srcset per format and fallback().
        """
        return {
            **{
                format: self.srcset_of_renditions(format)
                for format in Rendition.Format.values
            },
            "fallback": self.fallback_of_renditions(),
        }


class StoredRendition:
    """A rendition as recorded in Image.rendition_index: no row, no query."""

    def __init__(self, shape, format, width, height, name):
        self.shape = shape
        self.format = format
        self.width = width
        self.height = height
        self.name = name

    @cached_property
    def file(self):
        # Made when asked for: structured data walks every rendition of a
        # picture for the few it names.
        return FieldFile(None, Rendition._meta.get_field("file"), self.name)

    @property
    def mime_type(self):
        return f"image/{self.format}"


def shape_held(shapes, shape):
    """Whether stored `shapes` (Image.picture_sources) show the picture in `shape`."""
    return shape in shapes and shapes[shape]["fallback"]


class ShapedPicture(PictureSources):
    """An Image seen through the renditions of one fixed shape."""

    def __init__(self, image, shape):
        self.image = image
        self.shape = shape
        self.alt_text = image.alt_text

    def renditions_in(self, format):
        return self.image._renditions(format, self.shape)

    def stored_sources(self):
        return self._stored_sources

    @cached_property
    def _stored_sources(self):
        # Read once: the picture tag reads them for each format and its <img>.
        return self.image.stored_sources(self.shape)

    @cached_property
    def _fallback(self):
        return self.fallback()

    @property
    def fallback_url(self):
        return self._fallback[0]

    @property
    def width(self):
        return self._fallback[1]

    @property
    def height(self):
        return self._fallback[2]


class Rendition(ReaderVisible, models.Model):
    """One resized, re-encoded copy of an Image, made when the image is saved."""

    class Format(models.TextChoices):
        AVIF = "avif", "AVIF"
        WEBP = "webp", "WebP"
        JPEG = "jpeg", "JPEG"

    image = models.ForeignKey(
        "Image", on_delete=models.CASCADE, related_name="renditions"
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


def picture_sources_recipe():
    """
    What Image.picture_sources depend on besides the renditions: where
    stored files are served from and which JPEG an <img> names. Stored
    sources made under another recipe are not used (the renditions are read
    instead) until the renditions are recorded again.
    """
    return [settings.MEDIA_URL, images.FALLBACK_WIDTH]
