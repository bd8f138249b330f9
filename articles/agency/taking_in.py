"""
Taking agency stories in: each Story becomes a draft credited to the
agency, keyed by its ID there (ImportRecord), written again only while
nobody here has touched it.
"""

import hashlib
import logging
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connections, router, transaction
from django.utils.text import slugify

from .. import revisions
from ..fetching import Refused, Unavailable, fetch
from ..images import open_upload
from ..models import (
    Article,
    ArticleAuthor,
    Author,
    Image,
    ImportRecord,
    agency_source,
    fingerprint,
)

logger = logging.getLogger(__name__)

KIND = "story"
PICTURE_KIND = "picture"


@dataclass
class Outcome:
    """What a run did, counted."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    left_alone: int = 0
    skipped: int = 0
    pictures_missing: int = 0

    def count(self, action):
        setattr(self, action, getattr(self, action) + 1)

    def __str__(self):
        summary = (
            f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.left_alone} left alone"
        )
        if self.skipped:
            summary += f", {self.skipped} skipped (no ID, no text, or not a story)"
        if self.pictures_missing:
            summary += (
                f"; {self.pictures_missing} without their picture (it could not "
                "be fetched or is not a picture)"
            )
        return summary


def agency_author(name):
    """The Author named `name` (the agency), made when there is none."""
    author = Author.objects.filter(name=name).order_by("pk").first()
    if author is None:
        slug = unique_slug(Author, slugify(name) or "agency", max_length=150)
        author = Author.objects.create(name=name, slug=slug, role="News agency")
    return author


def unique_slug(model, base, max_length=255):
    """`base`, or `base-2`, `base-3`… the first that `model` has no row with."""
    base = base[: max_length - 8].strip("-")
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


class Action:
    """What a run does with a story (named as Outcome counts them)."""

    NEW = "new"
    UPDATE = "updated"
    UNCHANGED = "unchanged"
    LEAVE_ALONE = "left_alone"


def planned(feed, source):
    """
    (story, the article it became or None, Action) for each story of
    `feed`, as the database stands.
    """
    records = {
        record.external_id: record
        for record in ImportRecord.objects.of(source, KIND).filter(
            external_id__in=[s.external_id for s in feed.stories]
        )
    }
    articles = Article.objects.in_bulk([r.object_id for r in records.values()])
    for item in feed.stories:
        record = records.get(item.external_id)
        if record is None:
            yield item, None, Action.NEW
            continue
        article = articles.get(record.object_id)
        decision = record.decide(item.fingerprint(), article)
        if decision == ImportRecord.Decision.UNCHANGED:
            action = Action.UNCHANGED
        elif (
            decision == ImportRecord.Decision.UPDATE
            and article.status == Article.Status.DRAFT
        ):
            action = Action.UPDATE
        else:
            action = Action.LEAVE_ALONE
        yield item, article, action


def take_in(feed, section, name):
    """
    Write the stories of `feed` (from read_feed) as drafts in `section`
    credited to the agency `name` (an Author, made when missing), and
    return the Outcome.

    The pictures of the stories to write are fetched first, outside the
    transaction; what to write is then decided again inside it, so an edit
    made meanwhile is not overwritten.
    """
    source = agency_source(name)
    wanted = [
        item.picture
        for item, _, action in planned(feed, source)
        if item.picture and action in (Action.NEW, Action.UPDATE)
    ]
    files = fetch_pictures(wanted, source)
    with transaction.atomic():
        one_run_at_a_time(source)
        agency = agency_author(name)
        outcome = Outcome(skipped=feed.skipped)
        for item, article, action in planned(feed, source):
            outcome.count(action)
            if action not in (Action.NEW, Action.UPDATE):
                continue
            image = item.picture and lead_picture(item, agency, source, files)
            if item.picture and image is None:
                outcome.pictures_missing += 1
            if action == Action.NEW:
                article = Article(section=section, status=Article.Status.DRAFT)
            write(article, item, agency, image, new=action == Action.NEW)
            ImportRecord.record(
                source, KIND, item.external_id, article, item.fingerprint()
            )
    return outcome


def one_run_at_a_time(source):
    """
    Wait, inside the transaction, until no other run for `source` holds it
    (the timer's run and one started by hand): the second then finds the
    first's records and author rather than making them again. PostgreSQL
    takes an advisory lock for the transaction; SQLite needs none, as its
    transactions take the write lock as they begin (transaction_mode
    IMMEDIATE).
    """
    connection = connections[router.db_for_write(ImportRecord)]
    if connection.vendor == "postgresql":
        key = int.from_bytes(hashlib.sha256(source.encode()).digest()[:8], signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def fetch_pictures(pictures, source):
    """
    {picture's external_id: ContentFile} of those `pictures` not taken in
    before, fetched as embeds' thumbnails are and checked as uploads are;
    one that cannot be fetched or is no acceptable picture is left out.
    """
    known = set(
        ImportRecord.objects.of(source, PICTURE_KIND)
        .filter(external_id__in=[p.external_id for p in pictures])
        .values_list("external_id", flat=True)
    )
    files = {}
    for item in pictures:
        if item.external_id in known or item.external_id in files:
            continue
        host = urlsplit(item.url).hostname
        try:
            body, _ = fetch(
                item.url,
                hosts={host},
                max_bytes=settings.IMAGE_MAX_UPLOAD_BYTES,
                accept="image/avif,image/webp,image/jpeg,image/png;q=0.9,*/*;q=0.1",
            )
            name = PurePosixPath(urlsplit(item.url).path).name or "agency-picture"
            upload = ContentFile(body, name=name[-100:])
            open_upload(upload)
        except (Refused, Unavailable, ValidationError) as error:
            logger.warning("Agency picture left out (%s): %s", host, error)
            continue
        files[item.external_id] = upload
    return files


def lead_picture(item, agency, source, files):
    """
    The Image for `item`'s picture: the one taken in before, else a new one
    from its fetched file (credited to the photographer and the agency),
    else None.
    """
    found = ImportRecord.objects.of(source, PICTURE_KIND).filter(
        external_id=item.picture.external_id
    )
    record = found.first()
    if record is not None:
        return Image.objects.filter(pk=record.object_id).first()
    upload = files.get(item.picture.external_id)
    if upload is None:
        return None
    by = item.picture.by
    credit = by if agency.name.lower() in by.lower() else f"{by} / {agency.name}"
    image = Image.objects.create(
        file=upload,
        alt_text=item.picture.alt_text or item.picture.caption[:300] or item.title,
        caption=item.picture.caption,
        credit=(credit if by else agency.name)[:200],
        licence="Agency subscription",
        source=f"{agency.name}: {item.picture.url}"[:300],
    )
    ImportRecord.record(
        source,
        PICTURE_KIND,
        item.picture.external_id,
        image,
        fingerprint(item.picture.url),
    )
    return image


def write(article, item, agency, image, new):
    article.title = item.title
    article.standfirst = item.standfirst
    article.body = item.body
    if image is not None:
        article.lead_image = image
    if new:
        article.slug = unique_slug(Article, slugify(item.title) or "agency-story")
    article.save()
    if new:
        ArticleAuthor.objects.create(
            article=article, author=agency, role=ArticleAuthor.Role.AGENCY
        )
    article.tags.set(item.tags)
    verb = "Imported" if new else "Updated"
    revisions.record(article, comment=f"{verb} from {agency.name}'s feed")
