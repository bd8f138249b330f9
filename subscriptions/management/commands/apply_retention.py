"""Remove personal data the paper no longer needs to keep."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from subscriptions import delivery


class Command(BaseCommand):
    help = (
        "Anonymise delivery requests closed more than DELIVERY_RETENTION_DAYS "
        "ago, keeping what statistics need. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be removed, and change nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        days = settings.DELIVERY_RETENTION_DAYS
        if not isinstance(days, int) or days < 1:
            raise CommandError(
                f"DELIVERY_RETENTION_DAYS must be a whole number of days, 1 or "
                f"more, not {days!r}."
            )
        cutoff = delivery.delivery_retention_cutoff()
        with transaction.atomic():
            count = delivery.delivery_requests_anonymise(cutoff)
            if dry_run:
                transaction.set_rollback(True)
        verb = "Would anonymise" if dry_run else "Anonymised"
        self.stdout.write(
            f"{verb} {count} delivery request(s) closed before "
            f"{cutoff:%Y-%m-%d %H:%M %Z}."
        )
