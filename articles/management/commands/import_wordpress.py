import sys
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from articles.wordpress.importer import WordPressImport
from articles.wordpress.media import LocalMedia, RemoteMedia
from articles.wordpress.wxr import NotAnExport


def read_sections_map(path):
    """The mapping file: {"categories": {category: section}, "default": section}."""
    try:
        with open(path, "rb") as file:
            data = tomllib.load(file)
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
    except tomllib.TOMLDecodeError as error:
        raise CommandError(f"{path} is not valid TOML: {error}.") from None
    categories = data.get("categories", {})
    default = data.get("default", "")
    if not isinstance(categories, dict) or not all(
        isinstance(v, str) and v for v in categories.values()
    ):
        raise CommandError(
            f"{path}: [categories] must map category slugs to section slugs."
        )
    if not isinstance(default, str):
        raise CommandError(f"{path}: default must be a section slug.")
    unknown = set(data) - {"categories", "default"}
    if unknown:
        raise CommandError(f"{path}: unknown keys {', '.join(sorted(unknown))}.")
    return {"categories": categories, "default": default}


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR) file: posts become articles with "
        "their pictures, bylines, sections and tags, and their old addresses "
        "redirect to the new ones. Safe to run again: only what changed in "
        "WordPress (and not here since) is written again. See docs/importing.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="The export file (Tools › Export).")
        media = parser.add_mutually_exclusive_group()
        media.add_argument(
            "--media",
            metavar="DIR",
            help="A local copy of wp-content/uploads: the pictures' files.",
        )
        media.add_argument(
            "--media-url-base",
            metavar="URL",
            help="Fetch the pictures from here (https), e.g. "
            "https://old.example.com/wp-content/uploads/",
        )
        parser.add_argument(
            "--media-concurrency",
            type=int,
            default=4,
            metavar="N",
            help="Pictures fetched at a time with --media-url-base (default 4).",
        )
        parser.add_argument(
            "--sections",
            metavar="MAP.toml",
            help="Which section each category's posts go to (docs/importing.md).",
        )
        parser.add_argument(
            "--category-base", default="category", help="Default: category."
        )
        parser.add_argument("--tag-base", default="tag", help="Default: tag.")
        parser.add_argument(
            "--report",
            metavar="FILE.json",
            help="Write the full report (everything skipped or doubtful) here.",
        )
        parser.add_argument(
            "--limit",
            type=int,
            metavar="N",
            help="Stop after writing N posts (a later run carries on).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read and check everything, write nothing (pictures not fetched).",
        )

    def handle(self, *args, **options):
        export = Path(options["export"])
        if not export.is_file():
            raise CommandError(f"No such file: {export}.")
        media = None
        if options["media"]:
            if not Path(options["media"]).is_dir():
                raise CommandError(f"No such folder: {options['media']}.")
            media = LocalMedia(options["media"])
        elif options["media_url_base"]:
            parts = urlsplit(options["media_url_base"])
            if parts.scheme != "https" or not parts.hostname:
                raise CommandError("--media-url-base must be an https:// address.")
            if options["media_concurrency"] < 1:
                raise CommandError("--media-concurrency must be at least 1.")
            media = RemoteMedia(
                options["media_url_base"], concurrency=options["media_concurrency"]
            )
        if options["limit"] is not None and options["limit"] < 1:
            raise CommandError("--limit must be at least 1.")
        sections_map = (
            read_sections_map(options["sections"]) if options["sections"] else None
        )
        run = WordPressImport(
            export,
            media=media,
            sections_map=sections_map,
            dry_run=options["dry_run"],
            limit=options["limit"],
            progress=self.stderr
            if sys.stderr.isatty() or options["verbosity"] >= 2
            else None,
            category_base=options["category_base"],
            tag_base=options["tag_base"],
        )
        try:
            report = run.run()
        except NotAnExport as error:
            raise CommandError(f"{export}: {error}.") from None
        except DatabaseError as error:
            raise CommandError(f"The database refused a write: {error}") from error
        if options["report"]:
            report.write_json(options["report"])
        title = "Dry run (nothing written)" if options["dry_run"] else "Imported"
        self.stdout.write(f"{title} from {export.name} ({run.source}):")
        for line in report.summary():
            self.stdout.write(f"  {line}")
        if options["report"]:
            self.stdout.write(f"Full report: {options['report']}")
