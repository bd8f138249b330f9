"""Small factories for test data: each makes one valid object, overridable."""

import io
import itertools
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import Article, ArticleAuthor, Author, Correction, Image, Section

_counter = itertools.count(1)


def _n():
    return next(_counter)


def make_section(**kwargs):
    n = _n()
    kwargs.setdefault("name", f"Section {n}")
    kwargs.setdefault("slug", f"section-{n}")
    kwargs.setdefault("position", n)
    return Section.objects.create(**kwargs)


def make_author(**kwargs):
    n = _n()
    kwargs.setdefault("name", f"Author Number{n}")
    kwargs.setdefault("slug", f"author-{n}")
    kwargs.setdefault("role", "Staff reporter")
    kwargs.setdefault("bio", f"Author Number{n} writes about the region.")
    return Author.objects.create(**kwargs)


def image_bytes(width=1600, height=900, fmt="JPEG", color=(30, 90, 150)):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), color).save(buffer, fmt)
    return buffer.getvalue()


def image_upload(name="photo.jpg", width=1600, height=900, fmt="JPEG"):
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png"}.get(fmt, "image/jpeg")
    return SimpleUploadedFile(name, image_bytes(width, height, fmt), content_type)


def make_image(**kwargs):
    kwargs.setdefault("file", image_upload())
    kwargs.setdefault("alt_text", "A harbour at dawn")
    kwargs.setdefault("caption", "The harbour at dawn.")
    kwargs.setdefault("credit", "Staff photographer")
    return Image.objects.create(**kwargs)


def make_article(*, authors=(), tags=(), **kwargs):
    """
    A live article by default. Pass status/published_at for drafts and
    scheduled pieces, authors as Author objects or (Author, role) pairs.
    """
    n = _n()
    kwargs.setdefault("title", f"Council approves harbour plan {n}")
    kwargs.setdefault("slug", f"council-approves-harbour-plan-{n}")
    kwargs.setdefault("standfirst", "The plan was approved after a long debate.")
    kwargs.setdefault("body", "<p>The council met on Tuesday.</p>")
    if "section" not in kwargs:
        kwargs["section"] = make_section()
    kwargs.setdefault("status", Article.Status.PUBLISHED)
    if kwargs["status"] == Article.Status.PUBLISHED:
        kwargs.setdefault("published_at", timezone.now() - timedelta(hours=1))
    article = Article.objects.create(**kwargs)
    for position, entry in enumerate(authors):
        author, role = entry if isinstance(entry, tuple) else (entry, "writer")
        ArticleAuthor.objects.create(
            article=article, author=author, role=role, position=position
        )
    if tags:
        article.tags.add(*tags)
    return article


def make_correction(article, **kwargs):
    kwargs.setdefault("text", "An earlier version of this article gave the wrong date.")
    return Correction.objects.create(article=article, **kwargs)
