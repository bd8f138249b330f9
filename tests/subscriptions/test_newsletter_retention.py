"""Retention: newsletter sign-ups never confirmed are deleted after a while."""

from datetime import timedelta

import pytest
from django.core.management import CommandError
from django.utils import timezone

from subscriptions.consent import CURRENT, NEWSLETTER_SIGN_UP
from subscriptions.models import Subscription
from subscriptions.signup import request_subscription
from tests.subscriptions.factories import make_newsletter, make_subscription

pytestmark = pytest.mark.django_db

Status = Subscription.Status


def _days_ago(days):
    return timezone.now() - timedelta(days=days)


@pytest.mark.parametrize(
    ("status", "signed_up", "mailed", "deleted"),
    [
        (Status.PENDING, 15, None, True),
        (Status.PENDING, 15, 15, True),
        (Status.PENDING, 13, None, False),
        # Signed up long ago, but a confirmation went out again recently.
        (Status.PENDING, 15, 2, False),
        (Status.CONFIRMED, 400, 400, False),
        (Status.UNSUBSCRIBED, 400, 400, False),
    ],
)
def test_retention_deletes_only_long_unconfirmed_sign_ups(
    apply_retention, settings, status, signed_up, mailed, deleted
):
    """Pending for more than the setting's days: deleted; anything else: kept."""
    settings.NEWSLETTER_PENDING_RETENTION_DAYS = 14
    subscription = make_subscription(
        status=status,
        consent_given_at=_days_ago(signed_up),
        confirmation_requested_at=_days_ago(mailed) if mailed else None,
    )
    apply_retention()
    assert Subscription.objects.filter(pk=subscription.pk).exists() is not deleted


def test_a_reader_who_signs_up_again_keeps_the_pending_subscription(
    apply_retention, settings
):
    """A fresh sign-up renews the consent time, so the clock starts again."""
    settings.NEWSLETTER_PENDING_RETENTION_DAYS = 14
    newsletter = make_newsletter()
    forgotten = make_subscription(status=Status.PENDING, consent_given_at=_days_ago(20))
    renewed = make_subscription(
        status=Status.PENDING,
        newsletter=newsletter,
        consent_given_at=_days_ago(20),
        confirmation_requested_at=_days_ago(20),
    )
    request_subscription(
        email=renewed.email,
        newsletter=newsletter,
        consent_version=CURRENT[NEWSLETTER_SIGN_UP],
        source="/delivery/",
    )
    output = apply_retention()
    assert "Deleted 1 unconfirmed newsletter subscription(s)" in output
    assert not Subscription.objects.filter(pk=forgotten.pk).exists()
    assert Subscription.objects.filter(pk=renewed.pk).exists()


def test_dry_run_deletes_no_sign_up(apply_retention, settings):
    """--dry-run counts the stale sign-ups and keeps them."""
    settings.NEWSLETTER_PENDING_RETENTION_DAYS = 14
    stale = make_subscription(status=Status.PENDING, consent_given_at=_days_ago(30))
    assert "Would delete 1 unconfirmed newsletter subscription(s)" in apply_retention(
        "--dry-run"
    )
    assert Subscription.objects.filter(pk=stale.pk).exists()


def test_nonsense_pending_period_is_refused(apply_retention, settings):
    """Zero days would delete sign-ups before anyone could confirm them."""
    settings.NEWSLETTER_PENDING_RETENTION_DAYS = 0
    stale = make_subscription(status=Status.PENDING, consent_given_at=_days_ago(30))
    with pytest.raises(CommandError, match="NEWSLETTER_PENDING_RETENTION_DAYS must"):
        apply_retention()
    assert Subscription.objects.filter(pk=stale.pk).exists()
