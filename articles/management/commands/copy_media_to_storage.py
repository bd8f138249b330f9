from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.management.base import BaseCommand, CommandError

from articles.models import Image, Rendition, ResolvedEmbed
from newsroom.media_storage import STORAGE_ERRORS

# A progress line after this many files.
PROGRESS_EVERY = 100


def stored_names():
    """Every file the database names: originals, renditions, embed thumbnails."""
    names = set(Image.objects.values_list("file", flat=True))
    names.update(Rendition.objects.values_list("file", flat=True))
    names.update(ResolvedEmbed.objects.values_list("thumbnail", flat=True))
    names.discard("")
    return sorted(names)


def size_or_none(storage, name):
    try:
        return storage.size(name)
    except FileNotFoundError:
        return None


class Command(BaseCommand):
    help = (
        "Copy the pictures, renditions and embed thumbnails the database names "
        "from the media folder to the configured storage (MEDIA_STORAGE=s3), "
        "under the same names. Files already there with the same size are "
        "skipped, so it may be run again and resumes where it stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            help="The folder to copy from (default: MEDIA_ROOT).",
        )

    def handle(self, *args, source=None, **options):
        target = storages["default"]
        if isinstance(target, FileSystemStorage):
            raise CommandError(
                "The storage is the file system (MEDIA_STORAGE=filesystem): set "
                "MEDIA_STORAGE=s3 and the AWS_ variables, then copy."
            )
        folder = Path(source or settings.MEDIA_ROOT)
        if not folder.is_dir():
            raise CommandError(f"There is no folder {folder} to copy from.")
        disk = FileSystemStorage(location=folder)
        names = stored_names()
        copied, present, missing = 0, 0, []
        for done, name in enumerate(names, start=1):
            try:
                copied_now = self.copy(disk, target, name)
            except FileNotFoundError:
                missing.append(name)
            except STORAGE_ERRORS as error:
                raise CommandError(
                    f"Could not copy {name} ({error}); run again to resume."
                ) from error
            else:
                copied += copied_now
                present += not copied_now
            if done % PROGRESS_EVERY == 0 or done == len(names):
                self.stdout.write(
                    f"{done} of {len(names)} files: {copied} copied, "
                    f"{present} already there, {len(missing)} missing."
                )
        if missing:
            raise CommandError(
                f"{len(missing)} of the files the database names are not in "
                f"{folder}, e.g. {missing[0]}."
            )

    def copy(self, disk, target, name):
        """
        Copy one file unless the target holds it already; whether it copied.
        Raises FileNotFoundError when the file is not on the disk.
        """
        size = disk.size(name)
        there = size_or_none(target, name)
        if there == size:
            return False
        if there is not None:
            # A different file under this name (a failed earlier copy): the
            # database names this one, so it takes the name.
            target.delete(name)
        with disk.open(name, "rb") as file:
            stored = target.save(name, file)
        if stored != name:
            raise CommandError(
                f"{name} was stored as {stored}: something else wrote it "
                "meanwhile; run again."
            )
        return True
