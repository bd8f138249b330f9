"""Remove personal data the paper no longer needs to keep."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from newsroom import formats
from subscriptions import delivery
from subscriptions.models.newsletters import Subscription
from subscriptions.models.outbound import OutboundEmail


def _retention_days(name):
    days = getattr(settings, name)
    if not isinstance(days, int) or days < 1:
        raise CommandError(
            f"{name} must be a whole number of days, 1 or more, not {days!r}."
        )
    return days


class Command(BaseCommand):
    help = (
        "Anonymise delivery requests closed more than DELIVERY_RETENTION_DAYS "
        "ago, keeping what statistics need, and delete newsletter sign-ups left "
        "unconfirmed for NEWSLETTER_PENDING_RETENTION_DAYS, and the outbox's "
        "record of emails sent or failed more than OUTBOX_RETENTION_DAYS ago. "
        "Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be removed, and change nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        now = timezone.now()
        closed_before = now - timedelta(days=_retention_days("DELIVERY_RETENTION_DAYS"))
        pending_before = now - timedelta(
            days=_retention_days("NEWSLETTER_PENDING_RETENTION_DAYS")
        )
        mailed_before = now - timedelta(days=_retention_days("OUTBOX_RETENTION_DAYS"))
        with transaction.atomic():
            anonymised = delivery.delivery_requests_anonymise(closed_before)
            deleted = Subscription.objects.unconfirmed_since(pending_before).delete()
            emails, _ = OutboundEmail.objects.finished_before(mailed_before).delete()
            if dry_run:
                transaction.set_rollback(True)
        unconfirmed = deleted[1].get(Subscription._meta.label, 0)
        anonymise, delete = (
            ("Would anonymise", "Would delete")
            if dry_run
            else ("Anonymised", "Deleted")
        )
        self.stdout.write(
            f"{anonymise} {anonymised} delivery request(s) closed before "
            f"{formats.with_zone(closed_before, 'stamp')}."
        )
        self.stdout.write(
            f"{delete} {unconfirmed} unconfirmed newsletter subscription(s) "
            f"signed up before {formats.with_zone(pending_before, 'stamp')}."
        )
        self.stdout.write(
            f"{delete} {emails} outbox record(s) of emails sent or failed, "
            f"last queued before {formats.with_zone(mailed_before, 'stamp')}."
        )
