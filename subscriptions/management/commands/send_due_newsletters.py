from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from subscriptions.editions import send_due_newsletters


class Command(BaseCommand):
    help = (
        "Compose and start sending the newsletter editions that are due, resume "
        "stalled sends and start sending the emails due in the outbox (retries). "
        "Run it every minute or few from cron or a systemd timer; "
        "`manage.py db_worker` does the sending."
    )

    def handle(self, *args, **options):
        try:
            summary = send_due_newsletters()
        except DatabaseError as error:
            raise CommandError(f"The database is unavailable: {error}") from error
        self.stdout.write(
            "Editions composed: {composed}, started: {started}, resumed: {resumed}; "
            "emails due in the outbox: {emails}.".format(**summary)
        )
