"""
The outbox of transactional mail: one row per email the paper owes someone
(a newsletter confirmation, a delivery request's confirmation and the desk's
notification), kept until the mail server accepts it or refuses it for good.
subscriptions.outbound sends them through the outbox (subscriptions.outbox,
whose docstring has the state machine).
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .outbox import OutboxMessage, OutboxQuerySet


class OutboundEmailQuerySet(OutboxQuerySet):
    def finished_before(self, moment):
        """
        Emails sent, or failed for good, last queued before `moment`: their
        record has served its purpose. Emails still waiting are never among
        them.
        """
        return self.exclude(status__in=OutboundEmail.WAITING).filter(
            queued_at__lt=moment
        )

    def about(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )

    def resend(self, now=None):
        """
        Queue again, due at once and with a fresh retry window, what failed,
        is in doubt, or waits for its next attempt. Returns how many.
        """
        now = now or timezone.now()
        return self.filter(status__in=OutboundEmail.RESENDABLE).update(
            status=OutboundEmail.Status.QUEUED,
            queued_at=now,
            next_attempt_at=now,
            claim_token="",
        )


class OutboundEmail(OutboxMessage):
    """
    One transactional email. The message is kept as its parts (not as MIME),
    so that it is rebuilt as the same EmailMessage whatever mail backend
    sends it; once the mail server accepts it, only what the admin lists is
    kept (kind, recipient, subject and times).
    """

    class Kind(models.TextChoices):
        NEWSLETTER_CONFIRMATION = "newsletter_confirmation", "Newsletter confirmation"
        DELIVERY_CONFIRMATION = "delivery_confirmation", "Delivery: reader's copy"
        DELIVERY_NOTIFICATION = "delivery_notification", "Delivery: desk notice"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        CLAIMED = "claimed", "Claimed by a worker"
        SENDING = "sending", "Being handed to the mail server"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        IN_DOUBT = "in_doubt", "In doubt (may have been delivered)"

    WAITING = [Status.QUEUED, Status.CLAIMED, Status.SENDING]
    RESENDABLE = [Status.QUEUED, Status.FAILED, Status.IN_DOUBT]
    DOUBT_STATUS = Status.IN_DOUBT

    kind = models.CharField(max_length=30, choices=Kind)
    recipient = models.EmailField(max_length=254)
    subject = models.CharField(max_length=998)
    message = models.JSONField(
        default=dict,
        blank=True,
        help_text="The email's parts until it is sent; emptied once it is.",
    )
    mailer = models.CharField(
        max_length=50, default="default", help_text="The MAILERS alias it goes through."
    )
    # What the email is about, and its field that records when it was sent.
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    sent_field = models.CharField(max_length=50, blank=True)
    status = models.CharField(
        max_length=10, choices=Status, default=Status.QUEUED, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = "outbound email"
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__isnull=True, object_id__isnull=True)
                | Q(content_type__isnull=False, object_id__isnull=False),
                name="outbound_email_about_whole",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at"], name="outbound_email_due_idx"
            ),
            models.Index(
                fields=["content_type", "object_id"], name="outbound_email_about_idx"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient} ({self.status})"
