from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from articles.models import Image, RenditionRebuild
from articles.renditions import build


class Command(BaseCommand):
    help = (
        "Make pictures' renditions in this process, with progress: --missing "
        "for those not complete for the current sizes (waiting, failed, or "
        "made before the sizes changed), --all for every picture. Both can be "
        "stopped and run again: they continue where they stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="Make every picture's renditions again (continues an --all "
            "that was stopped).",
        )
        parser.add_argument(
            "--missing",
            action="store_true",
            help="Make those of pictures whose renditions are not complete "
            "for the current sizes, or not ready.",
        )

    def handle(self, *args, **options):
        if options["all"] == options["missing"]:
            raise CommandError("Say which pictures: --all or --missing (one of them).")
        try:
            failed = self.rebuild_all() if options["all"] else self.make_missing()
        except DatabaseError as error:
            raise CommandError(f"The database is unavailable: {error}") from error
        if failed:
            raise CommandError(
                f"{failed} picture(s) failed; the image admin shows why. "
                "Run the command again to try them again."
            )

    def rebuild_all(self):
        rebuild = RenditionRebuild.objects.filter(finished_at=None).first()
        if rebuild is None:
            rebuild = RenditionRebuild.objects.create()
        else:
            self.stdout.write(
                f"Continuing the rebuild begun at {rebuild.started_at:%Y-%m-%d %H:%M}."
            )
        failed = self.make(list(rebuild.pictures_left().values_list("pk", flat=True)))
        if not failed:
            rebuild.finished_at = timezone.now()
            rebuild.save(update_fields=["finished_at"])
        return failed

    def make_missing(self):
        pictures = Image.objects.only(
            "width",
            "height",
            "focal_point_x",
            "focal_point_y",
            "rendition_index",
            "renditions_status",
        ).order_by("pk")
        ids = [
            image.pk
            for image in pictures.iterator(chunk_size=500)
            if image.renditions_status != Image.RenditionsStatus.READY
            or image.missing_renditions()
        ]
        return self.make(ids)

    def make(self, ids):
        """Make the pictures' full sets one by one, saying how far it is."""
        total = len(ids)
        self.stdout.write(f"Pictures to make: {total}.")
        failed = 0
        for number, pk in enumerate(ids, start=1):
            image = Image.objects.filter(pk=pk).first()
            if image is None:
                continue  # deleted meanwhile
            status = build(image, full=True, retry=False)
            if status == Image.RenditionsStatus.FAILED:
                failed += 1
                line = f"failed: {image.renditions_error}"
            else:
                line = status
            self.stdout.write(f"[{number}/{total}] picture {pk}: {line}")
        return failed
