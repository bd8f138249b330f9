"""
Small factories for test data: each makes one valid object, overridable.
The articles app's objects, the staff accounts and uploads every app's tests
use; the subscriptions app's objects are in tests/subscriptions/factories.py.
"""

import io
import itertools
from datetime import timedelta

from django.contrib.auth.models import Group, Permission, User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage
from PIL.ExifTags import GPS, IFD, Base

from articles.models import (
    Article,
    ArticleAuthor,
    Author,
    Correction,
    Image,
    Page,
    ResolvedEmbed,
    Section,
)
from articles.roles import ensure_roles
from subscriptions import roles as subscriptions_roles

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


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type)


def image_upload(name="photo.jpg", width=1600, height=900, fmt="JPEG"):
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png"}.get(fmt, "image/jpeg")
    return upload(name, image_bytes(width, height, fmt), content_type)


def make_image(**kwargs):
    kwargs.setdefault("file", image_upload())
    kwargs.setdefault("alt_text", "A harbour at dawn")
    kwargs.setdefault("caption", "The harbour at dawn.")
    kwargs.setdefault("credit", "Staff photographer")
    return Image.objects.create(**kwargs)


def make_resolved_embed(**kwargs):
    """A YouTube video the worker has resolved, with our copy of its thumbnail."""
    kwargs.setdefault("url", "https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    kwargs.setdefault("provider", "YouTube")
    kwargs.setdefault("title", "Garda appeal: have you seen this van?")
    kwargs.setdefault("author_name", "An Garda Síochána")
    kwargs.setdefault(
        "iframe_src", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    )
    kwargs.setdefault("width", 640)
    kwargs.setdefault("height", 360)
    kwargs.setdefault("status", ResolvedEmbed.Status.RESOLVED)
    embed = ResolvedEmbed(**kwargs)
    embed.thumbnail = ContentFile(image_bytes(480, 270), name="garda.jpg")
    embed.save()
    return embed


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


def make_page(**kwargs):
    """A live static page at /page-N/ unless told otherwise."""
    n = _n()
    kwargs.setdefault("title", f"Page {n}")
    kwargs.setdefault("path", f"/page-{n}/")
    kwargs.setdefault("body", f"<p>What page {n} says.</p>")
    kwargs.setdefault("status", Page.Status.PUBLISHED)
    return Page.objects.create(**kwargs)


def make_correction(article, **kwargs):
    kwargs.setdefault("text", "An earlier version of this article gave the wrong date.")
    return Correction.objects.create(article=article, **kwargs)


EDITOR_MODELS = ("article", "author", "section", "image")


def make_staff(username="staff", permissions=(), *, groups=(), **kwargs):
    """
    A staff account (not superuser) in `groups` (names), with the given
    "app_label.codename" permissions.
    """
    user = User.objects.create_user(
        username=username, password="correct horse battery", is_staff=True, **kwargs
    )
    if groups:
        # The groups come from data migrations, which a flushing test empties.
        ensure_roles()
        subscriptions_roles.ensure_roles()
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    for name in permissions:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def make_editor(username="editor"):
    """
    A staff account with every permission on articles (publishing and
    editing everyone's included), authors, sections and images, and the view
    permission on tags (for tag suggestions).
    """
    return make_staff(
        username,
        [
            f"articles.{action}_{model}"
            for model in EDITOR_MODELS
            for action in ("add", "change", "delete", "view")
        ]
        + [
            "articles.publish_article",
            "articles.unpublish_article",
            "articles.edit_any_article",
            "taggit.view_tag",
        ],
    )


def make_member(username, role, *, author=None, **kwargs):
    """
    A staff account in one of the newsroom's roles ("Contributor", "Writer",
    "Editor", "Circulation"), linked to `author` when given. The roles are
    made again first, as the data migrations make them, since tests that
    flush the database drop them.
    """
    ensure_roles()
    subscriptions_roles.ensure_roles()
    user = make_staff(username, groups=[role], **kwargs)
    if author is not None:
        author.user = user
        author.save()
    return user


def jpeg_with_exif(width=2000, height=1000, orientation=6):
    """
    A camera-style JPEG: EXIF with an orientation, a camera make, GPS
    coordinates, and a JPEG comment. The left half is red, the right blue, so
    a test can tell which way up it was stored.
    """
    picture = PILImage.new("RGB", (width, height), (200, 20, 20))
    picture.paste((20, 20, 200), (width // 2, 0, width, height))
    exif = picture.getexif()
    exif[Base.Orientation] = orientation
    exif[Base.Make] = "Harbour Camera Co."
    gps = exif.get_ifd(IFD.GPSInfo)
    gps[GPS.GPSLatitudeRef] = "N"
    gps[GPS.GPSLatitude] = (53.0, 20.0, 42.0)
    gps[GPS.GPSLongitudeRef] = "W"
    gps[GPS.GPSLongitude] = (6.0, 15.0, 30.0)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", exif=exif, comment=b"home address")
    return buffer.getvalue()
