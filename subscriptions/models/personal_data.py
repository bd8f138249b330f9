"""
Readers' data rights: the suppression list that keeps an erased address from
being mailed again, and the record of every export and erasure staff made.

Neither holds an address: both keep its keyed hash (`address_hash`), which
matches the address when it is typed again but cannot be read back. This
module is shared by newsletters and home delivery, so it imports neither.
"""

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from newsroom import formats
from newsroom.email_addresses import normalise_email
from newsroom.fields import staff_member


def address_hash(email):
    """
    The keyed SHA-256 (HMAC) of an address as it is stored and compared:
    trimmed, lower case. Keyed with PERSONAL_DATA_HASH_KEY, so a list of
    hashes cannot be checked against a list of known addresses without it.
    """
    normalised = normalise_email(email)
    key = settings.PERSONAL_DATA_HASH_KEY.encode()
    return hmac.new(
        key, normalised.encode("utf-8", "surrogatepass"), hashlib.sha256
    ).hexdigest()


class SuppressionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(lifted_at__isnull=True)

    def for_email(self, email):
        return self.filter(address_hash=address_hash(email))


class Suppression(models.Model):
    """An address that is not mailed: its owner asked for their data to go."""

    class Reason(models.TextChoices):
        ERASED = "erased", "Personal data erased at the reader's request"

    address_hash = models.CharField(
        max_length=64, unique=True, help_text="The keyed hash of the address."
    )
    reason = models.CharField(max_length=10, choices=Reason, default=Reason.ERASED)
    suppressed_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the owner signed up anew and confirmed the address.",
    )

    objects = SuppressionQuerySet.as_manager()

    class Meta:
        ordering = ["-suppressed_at", "-pk"]
        get_latest_by = "suppressed_at"

    def __str__(self):
        return f"Suppression {self.pk} ({self.address_hash[:12]}…)"

    @property
    def is_active(self):
        return self.lifted_at is None


def is_suppressed(email, *, signed_up_at=None):
    """
    Whether mail to `email` must not go out. Every send to a reader asks
    this first: newsletter confirmations (subscriptions.tasks), edition
    sends (subscriptions.outbox) and delivery emails (subscriptions.delivery).

    `signed_up_at` is for one kind of mail only: the confirmation of a
    newsletter sign-up. A sign-up made after the suppression may be
    confirmed, because confirming is how the owner proves the address is
    theirs, and confirming lifts the suppression (`suppression_lift`).
    """
    suppressions = Suppression.objects.active().for_email(email)
    if signed_up_at is not None:
        suppressions = suppressions.filter(suppressed_at__gte=signed_up_at)
    return suppressions.exists()


def suppressed_among(emails):
    """The addresses of `emails` that are suppressed, in one query."""
    by_hash = {address_hash(email): email for email in emails}
    found = Suppression.objects.active().filter(address_hash__in=by_hash)
    return {by_hash[value] for value in found.values_list("address_hash", flat=True)}


def suppression_lift(email, now=None):
    """The owner confirmed a new sign-up: mail to the address may go again."""
    return (
        Suppression.objects.active()
        .for_email(email)
        .update(lifted_at=now or timezone.now())
    )


class PersonalDataRequest(models.Model):
    """
    One export or erasure of a reader's personal data: who did it, when,
    through what, for which address (as its hash) and how many rows.
    """

    class Action(models.TextChoices):
        EXPORT = "export", "Export"
        ERASE = "erase", "Erase"

    class Channel(models.TextChoices):
        ADMIN = "admin", "Admin"
        COMMAND = "command", "Command line"

    action = models.CharField(max_length=6, choices=Action)
    channel = models.CharField(max_length=7, choices=Channel)
    actor = staff_member()
    actor_name = models.CharField(
        "by",
        max_length=150,
        help_text="The staff account, or the system user who ran the command.",
    )
    address_hash = models.CharField(max_length=64, db_index=True)
    suppression = models.ForeignKey(
        Suppression,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
    )
    counts = models.JSONField(
        default=dict, help_text="How many rows of each kind were found or changed."
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        get_latest_by = "at"
        verbose_name = "personal data request"
        permissions = [
            ("manage_personal_data", "Can export and erase a reader's personal data")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(action="export") | Q(suppression__isnull=False),
                name="personal_data_erase_has_suppression",
            )
        ]

    def __str__(self):
        when = formats.written(self.at, "stamp")
        return f"{self.get_action_display()} by {self.actor_name} at {when}"
