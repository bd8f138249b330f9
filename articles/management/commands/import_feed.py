from pathlib import Path
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from articles.agency import FeedError, read_feed, take_in
from articles.fetching import Refused, Unavailable, fetch
from articles.models import Author, Section

# Larger than any agency's feed of the day; the limit keeps a runaway answer
# from filling memory.
FEED_MAX_BYTES = 20 * 1024 * 1024
AUTHOR_NAME_LENGTH = Author._meta.get_field("name").max_length
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/json, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)


class Command(BaseCommand):
    help = (
        "Take a news agency's feed (RSS 2.0, Atom 1.0 or ninjs 2.x JSON, from an "
        "https URL or a file) into drafts in a section, credited to the agency. "
        "Run it again as often as the feed changes: a story changed at the "
        "agency updates its draft until someone here edits it; nothing is "
        "imported twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="An https URL or a file path.")
        parser.add_argument(
            "--section", required=True, help="The section's slug (it must exist)."
        )
        parser.add_argument(
            "--author",
            required=True,
            help="The agency's name, as the byline shows it; made if missing.",
        )

    def handle(self, *args, source, section, author, **options):
        name = " ".join(author.split())
        if not name:
            raise CommandError("--author is empty: give the agency's name.")
        if len(name) > AUTHOR_NAME_LENGTH:
            raise CommandError(
                f"--author is longer than {AUTHOR_NAME_LENGTH} characters."
            )
        try:
            target = Section.objects.filter(slug=section).first()
            if target is None:
                raise CommandError(f"No section with the slug “{section}”.")
            feed = read_feed(self.load(source))
            outcome = take_in(feed, target, name)
        except FeedError as error:
            raise CommandError(f"{source}: {error}") from error
        except DatabaseError as error:
            first_line = str(error).strip().splitlines()[:1]
            raise CommandError(
                f"The database refused the import, nothing was changed: "
                f"{' '.join(first_line)}"
            ) from error
        self.stdout.write(f"{name}: {outcome}.")

    def load(self, source):
        """The feed's bytes, from the URL or the file `source` names."""
        parts = urlsplit(source)
        if parts.scheme in ("http", "https"):
            try:
                data, _ = fetch(
                    source,
                    hosts={parts.hostname},
                    max_bytes=FEED_MAX_BYTES,
                    accept=ACCEPT,
                )
            except (Refused, Unavailable) as error:
                raise CommandError(f"{source} could not be fetched: {error}") from error
            return data
        path = Path(source)
        try:
            if path.stat().st_size > FEED_MAX_BYTES:
                raise CommandError(f"{source} is larger than {FEED_MAX_BYTES} bytes.")
            return path.read_bytes()
        except OSError as error:
            raise CommandError(f"{source} could not be read: {error.strerror}.") from (
                error
            )
