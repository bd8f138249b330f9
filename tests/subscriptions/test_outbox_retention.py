"""
Retention: the outbox's record of an email (recipient, subject, times) is
deleted OUTBOX_RETENTION_DAYS after it was last queued, once it is sent or
has failed for good; an email still waiting to be sent is never deleted.
"""

from datetime import timedelta

import pytest
from django.core.management import CommandError
from django.utils import timezone

from subscriptions.models import OutboundEmail

pytestmark = pytest.mark.django_db

Status = OutboundEmail.Status


def make_email(status, days_ago):
    moment = timezone.now() - timedelta(days=days_ago)
    return OutboundEmail.objects.create(
        kind=OutboundEmail.Kind.NEWSLETTER_CONFIRMATION,
        recipient="maire@example.ie",
        subject="Confirm your sign-up",
        status=status,
        created_at=moment,
        queued_at=moment,
        sent_at=moment if status == Status.SENT else None,
    )


@pytest.mark.parametrize(
    ("status", "days_ago", "deleted"),
    [
        (Status.SENT, 91, True),
        (Status.FAILED, 91, True),
        (Status.IN_DOUBT, 91, True),
        (Status.SENT, 89, False),
        (Status.FAILED, 89, False),
        # Still waiting, however old: never deleted.
        (Status.QUEUED, 400, False),
        (Status.CLAIMED, 400, False),
        (Status.SENDING, 400, False),
    ],
)
def test_retention_deletes_only_old_finished_emails(
    apply_retention, settings, status, days_ago, deleted
):
    settings.OUTBOX_RETENTION_DAYS = 90
    email = make_email(status, days_ago)
    out = apply_retention()
    assert OutboundEmail.objects.filter(pk=email.pk).exists() is not deleted
    assert f"Deleted {int(deleted)} outbox record(s)" in out


def test_an_email_resent_recently_is_kept_though_first_queued_long_ago(
    apply_retention, settings
):
    settings.OUTBOX_RETENTION_DAYS = 90
    email = make_email(Status.SENT, 200)
    email.queued_at = timezone.now() - timedelta(days=3)
    email.save()
    apply_retention()
    assert OutboundEmail.objects.filter(pk=email.pk).exists()


def test_a_dry_run_counts_old_emails_and_deletes_nothing(apply_retention, settings):
    settings.OUTBOX_RETENTION_DAYS = 90
    make_email(Status.SENT, 100)
    out = apply_retention("--dry-run")
    assert "Would delete 1 outbox record(s)" in out
    assert OutboundEmail.objects.count() == 1


def test_a_nonsense_outbox_retention_is_refused(apply_retention, settings):
    settings.OUTBOX_RETENTION_DAYS = 0
    make_email(Status.SENT, 100)
    with pytest.raises(CommandError, match="OUTBOX_RETENTION_DAYS"):
        apply_retention()
    assert OutboundEmail.objects.count() == 1
