"""
The outbox's shared columns: every email the paper owes a reader is a row of
a model built on `OutboxMessage` (a transactional `OutboundEmail`, or an
edition's `EditionSend`), moved through the same states by the one courier
in subscriptions.outbox, whose docstring has the state machine.
"""

from django.db import models
from django.utils import timezone


class OutboxQuerySet(models.QuerySet):
    def due(self, now=None):
        return self.filter(
            status=self.model.Status.QUEUED,
            next_attempt_at__lte=now or timezone.now(),
        )

    def waiting(self):
        """Not yet accepted, and still meant to be: queued, claimed or sending."""
        return self.filter(status__in=self.model.WAITING)


class OutboxMessage(models.Model):
    """
    One message's way through the outbox. A concrete model adds its
    `Status` choices (at least queued, claimed, sending, sent and failed),
    the `status` field, `WAITING` (queued, claimed and sending) and
    `DOUBT_STATUS`: where a message goes when a worker stopped while handing
    it to the mail server.
    """

    attempts = models.PositiveIntegerField(default=0)
    queued_at = models.DateTimeField(
        default=timezone.now,
        help_text="Start of the retry window: when it was queued or last resent.",
    )
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        abstract = True
