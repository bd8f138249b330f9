from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from articles.embeds import resume


class Command(BaseCommand):
    help = (
        "Start resolving the embeds that are due (new ones, and retries of "
        "providers that were down). Run it every few minutes from cron or a "
        "systemd timer; `manage.py db_worker` does the resolving."
    )

    def handle(self, *args, **options):
        try:
            due = resume()
        except DatabaseError as error:
            raise CommandError(f"The database is unavailable: {error}") from error
        self.stdout.write(f"Embeds due: {due}.")
