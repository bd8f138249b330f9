"""
The pictures of a WordPress import: each attachment a post shows becomes a
library picture once, its file read or fetched (media.py) a batch at a
time. An upright JPEG is stored undecoded, its rows written together and
its renditions left to the worker (Image.awaiting_renditions); any other
file goes through Image.save like an upload.
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from ..models import Image, ImportRecord, fingerprint
from ..renditions import enqueue_renditions
from .content import plain, unsized
from .media import UPLOADS, Missing, upload_path

# Picture files stored at a time.
STORING_THREADS = 4


@dataclass(slots=True)
class Attachment:
    """
    A picture of the export: an attachment (`post_id` its ID), or an
    uploaded file only an <img> names (`post_id` "file:" and its path).
    """

    post_id: int | str
    url: str
    attached_file: str
    alt: str
    caption: str
    credit: str
    title: str
    parent: int
    menu_order: int
    link: str

    def fingerprint(self):
        return fingerprint([self.url, self.alt, self.caption, self.credit])


def file_name(attachment):
    """The name of an attachment's file, from its address."""
    return urlsplit(attachment.url).path.rsplit("/", 1)[-1] or "picture.jpg"


class Pictures:
    """WordPressImport's pictures (a mixin: the run's state is its own)."""

    def attachment_key(self, attachment_id, url, alt=""):
        """
        The attachment an <img> shows: by its ID, else by its address (any
        size of it, on any host: a CDN's copy of an upload is found too),
        else the uploaded file it names (`upload_not_in_export`).
        """
        if attachment_id in self.attachments:
            return attachment_id
        if url:
            found = self.by_url.get(upload_path(unsized(url)))
            return found if found is not None else self.upload_not_in_export(url, alt)
        return None

    def upload_not_in_export(self, url, alt):
        """
        An <img> of an uploaded file the export has no attachment for (one
        deleted from the media library, still in the uploads folder): with
        --media or --media-url-base, that file, at the size it names, is
        taken as an attachment of its own, keyed and remembered by its path
        ("file:2019/05/quay-300x200.jpg"), its alt text the <img>'s. None
        for an address outside the uploads folder, or without media.
        """
        address = url.split("?", 1)[0].split("#", 1)[0]
        if self.media is None or UPLOADS not in unquote(urlsplit(address).path):
            return None
        key = f"file:{upload_path(address)}"
        if len(key) > 255:
            return None
        if key not in self.attachments:
            self.attachments[key] = Attachment(
                post_id=key,
                url=address,
                attached_file=upload_path(address),
                alt=plain(alt),
                caption="",
                credit="",
                title="",
                parent=0,
                menu_order=0,
                link="",
            )
        return key

    def attached_to(self, post_id):
        """The pictures attached to a post, in their order (a bare [gallery])."""
        ids = self.attached.get(post_id) or []
        return sorted(ids, key=lambda pk: (self.attachments[pk].menu_order, pk))

    def picture_for(self, attachment_id, url):
        key = self.attachment_key(attachment_id, url)
        return self.pictures.get(key) if key is not None else None

    def store_pictures(self, keys):
        """
        Make sure each attachment in `keys` has its library picture (one
        stored by an earlier run is reused), fetching the files not yet
        stored all together. A file that cannot be had is reported.
        """
        keys = [key for key in keys if key not in self.pictures]
        if not keys:
            return
        records = ImportRecord.objects.of(self.source, "attachment").filter(
            external_id__in=[str(key) for key in keys]
        )
        by_id = {str(key): key for key in keys}
        stored = {by_id[r.external_id]: r for r in records}
        existing = Image.objects.in_bulk([r.object_id for r in stored.values()])
        fetch = {}
        for key in keys:
            attachment = self.attachments[key]
            record = stored.get(key)
            image = existing.get(record.object_id) if record else None
            if image is not None:
                self.pictures[key] = image.pk
                if record.fingerprint != attachment.fingerprint():
                    self.update_picture(image, attachment)
            elif record is not None:
                self.pictures[key] = None  # deleted here: not brought back
            else:
                fetch[key] = (attachment.url, attachment.attached_file)
        if not fetch:
            return
        if self.media is None:
            for key in fetch:
                self.pictures[key] = None
                self.report.note(
                    "missing_picture", id=key, why="no --media or --media-url-base"
                )
            return
        if self.dry_run:
            for key in fetch:
                self.pictures[key] = None
            self.report.count("pictures_not_fetched_in_dry_run", len(fetch))
            return
        uploads = []
        for key, data in self.media.fetch_all(fetch).items():
            attachment = self.attachments[key]
            if isinstance(data, Missing):
                self.report.note("missing_picture", id=key, why=str(data))
                self.pictures[key] = None
                continue
            upload = ContentFile(data, name=file_name(attachment))
            uploads.append((attachment, upload, self.picture_fields(attachment)))
        # Storing a file waits mostly on the disk: a few at a time, about
        # three times as many a second (benchmarks/import_wordpress.py).
        with ThreadPoolExecutor(max_workers=STORING_THREADS) as pool:
            images = list(
                pool.map(lambda u: Image.awaiting_renditions(u[1], **u[2]), uploads)
            )
        quick = []
        for (attachment, upload, _), image in zip(uploads, images, strict=True):
            if image is None:
                self.pictures[attachment.post_id] = self.store_picture(
                    attachment, upload
                )
            else:
                quick.append((attachment, image))
        self.store_quick_pictures(quick)

    def store_quick_pictures(self, stored):
        """
        Write the rows of pictures whose files `Image.awaiting_renditions`
        has stored (`stored`: (attachment, image) pairs), with their import
        records, and queue the worker for their renditions.
        """
        if not stored:
            return
        try:
            with transaction.atomic():
                Image.objects.bulk_create([image for _, image in stored])
                ImportRecord.record_many(
                    self.source,
                    [
                        (
                            "attachment",
                            attachment.post_id,
                            image,
                            attachment.fingerprint(),
                        )
                        for attachment, image in stored
                    ],
                )
                enqueue_renditions()
        except BaseException:
            for _, image in stored:
                image.file.storage.delete(image.file.name)
            raise
        for attachment, image in stored:
            self.pictures[attachment.post_id] = image.pk
        self.report.count("pictures", len(stored))

    def picture_fields(self, attachment):
        alt = attachment.alt
        if not alt:
            alt = attachment.title or attachment.caption or "Picture"
            self.report.note("no_alt_text", id=attachment.post_id, used=alt)
        return {
            "alt_text": alt[:300],
            "caption": attachment.caption[:500],
            "credit": attachment.credit[:200],
            "source": attachment.url[:300],
        }

    def store_picture(self, attachment, upload):
        """Store a picture the usual way (Image.save cleans its file)."""
        try:
            with transaction.atomic():
                image = Image.objects.create(
                    file=upload, **self.picture_fields(attachment)
                )
                self.record_picture(image, attachment)
        except (ValidationError, OSError, ValueError) as error:
            why = "; ".join(getattr(error, "messages", [str(error)]))
            self.report.note("missing_picture", id=attachment.post_id, why=why)
            return None
        self.report.count("pictures")
        return image.pk

    def update_picture(self, image, attachment):
        Image.objects.filter(pk=image.pk).update(**self.picture_fields(attachment))
        self.record_picture(image, attachment)

    def record_picture(self, image, attachment):
        ImportRecord.record(
            self.source,
            "attachment",
            attachment.post_id,
            image,
            attachment.fingerprint(),
        )
