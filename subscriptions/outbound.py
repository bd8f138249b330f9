"""
Transactional mail: the emails the paper owes one reader (a newsletter
confirmation, a delivery request's confirmation and the desk's notification),
sent through the outbox (subscriptions.outbox has the protocol, the retry
policy and the state machine).

Code that owes someone an email builds it and calls `email_queue()` inside its
own transaction: the OutboundEmail row commits with the sign-up or the
delivery request, or not at all, and the `deliver_outbound` task sends it once
the transaction has committed. An email in doubt waits for staff, who see it
in the admin and may resend it.
"""

import logging

from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.db.models import Min
from django.tasks import task
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string

from . import outbox
from .models.outbound import OutboundEmail

logger = logging.getLogger(__name__)

# Transactional mail comes a few at a time; a batch holds one connection.
BATCH_SIZE = 50

# Queueing.


def email_parts(message):
    """An EmailMessage as JSON-ready parts, to be rebuilt by `email_rebuild`."""
    if message.attachments:
        raise ValueError("The outbox keeps no attachments.")
    return {
        "class": f"{type(message).__module__}.{type(message).__qualname__}",
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": message.to,
        "cc": message.cc,
        "bcc": message.bcc,
        "reply_to": message.reply_to,
        "headers": message.extra_headers,
        "alternatives": [
            [content, mimetype]
            for content, mimetype in getattr(message, "alternatives", [])
        ],
    }


def email_rebuild(parts):
    message_class = import_string(parts["class"])
    if not issubclass(message_class, EmailMessage):
        raise ValueError(f"{parts['class']} is not an email message class.")
    fields = ["subject", "body", "from_email", "to", "cc", "bcc", "reply_to"]
    message = message_class(
        **{field: parts[field] for field in fields}, headers=parts["headers"]
    )
    if parts["alternatives"]:
        if not isinstance(message, EmailMultiAlternatives):
            raise ValueError(f"{parts['class']} takes no alternative parts.")
        for content, mimetype in parts["alternatives"]:
            message.attach_alternative(content, mimetype)
    return message


def email_queue(
    message, kind, *, about=None, sent_field="", mailer="default", once=False
):
    """
    Put `message` in the outbox; it is sent once the current transaction
    commits. `about` is the row the email is about: deleting it withdraws
    the email, and its `sent_field`, if given, records when it was accepted.
    With `once`, an email of the same kind about the same row that is still
    queued is returned instead of queueing another.
    """
    about_fields = {}
    if about is not None:
        about_fields = {
            "content_type": ContentType.objects.get_for_model(about),
            "object_id": about.pk,
        }
    if once:
        waiting = (
            OutboundEmail.objects.filter(
                kind=kind, status=OutboundEmail.Status.QUEUED, **about_fields
            )
            .order_by("pk")
            .first()
        )
        if waiting is not None:
            return waiting
    email = OutboundEmail.objects.create(
        kind=kind,
        recipient=", ".join(message.to)[:254],
        subject=message.subject[:998],
        message=email_parts(message),
        mailer=mailer,
        sent_field=sent_field,
        **about_fields,
    )
    send_soon()
    return email


def send_soon():
    """Start the outbox's worker once the current transaction commits."""
    transaction.on_commit(_enqueue_delivery)


def _enqueue_delivery(run_after=None):
    the_task = deliver_outbound
    if run_after is not None:
        if not the_task.get_backend().supports_defer:
            return  # The periodic run picks it up when it is due.
        the_task = the_task.using(run_after=run_after)
    try:
        the_task.enqueue()
    except Exception:
        # The email is saved; the periodic run starts the worker later.
        logger.exception("Could not queue the outbox's delivery task")


# Sending.


def claim_batch(token, now, size=None):
    """Claim up to `size` due emails for this worker."""
    ids = outbox.claim_batch(
        OutboundEmail.objects.all(), token, now, size or BATCH_SIZE
    )
    return list(
        OutboundEmail.objects.filter(pk__in=ids, claim_token=token).order_by(
            "next_attempt_at", "pk"
        )
    )


class Courier(outbox.Courier):
    """Sends claimed transactional emails, each through its own mail server alias."""

    model = OutboundEmail
    # Once accepted, only what the admin lists is kept.
    cleared_when_sent = {"message": {}}

    def prepare(self, row):
        return email_rebuild(row.message)

    def mailer_alias(self, row):
        return row.mailer

    def describe(self, row):
        return f"Email {row.pk} ({row.get_kind_display()})"

    def record_sent(self, rows, now):
        """Stamp the rows the sent emails were about with when they left."""
        for row in rows:
            if row.content_type_id and row.sent_field:
                model = ContentType.objects.get_for_id(row.content_type_id)
                model.model_class()._base_manager.filter(pk=row.object_id).update(
                    **{row.sent_field: now}
                )


def deliver_batch(size=None):
    """
    Claim and send one batch of due emails. Returns a count of outcomes
    ("sent", "retry", "failed", "unreachable", "lost").
    """
    token = get_random_string(32)
    return Courier(token).send_all(claim_batch(token, timezone.now(), size))


def continue_delivery(worked):
    """
    After a batch: queue the next one while emails are due; after a batch
    that did something, queue a run for the earliest retry. (The periodic
    run, `resume`, catches whatever a killed worker leaves behind.)
    """
    now = timezone.now()
    if OutboundEmail.objects.due(now).exists():
        _enqueue_delivery()
        return "next batch"
    if not worked:
        return "idle"
    earliest = OutboundEmail.objects.filter(
        status=OutboundEmail.Status.QUEUED
    ).aggregate(at=Min("next_attempt_at"))["at"]
    if earliest is None:
        return "idle"
    _enqueue_delivery(run_after=earliest)
    return "waiting"


@task
def deliver_outbound():
    """Send a batch of due transactional emails, then queue what comes next."""
    outcomes = deliver_batch()
    outcomes["next"] = continue_delivery(worked=bool(outcomes))
    return outcomes


def resume(now=None):
    """
    For the periodic run: start the worker when emails are due or a stopped
    worker's claims have expired. Returns how many emails wait for a worker.
    """
    now = now or timezone.now()
    due = OutboundEmail.objects.due(now).count()
    abandoned = OutboundEmail.objects.filter(
        status__in=[OutboundEmail.Status.CLAIMED, OutboundEmail.Status.SENDING],
        claimed_at__lt=now - outbox.lease(),
    ).exists()
    if due or abandoned:
        _enqueue_delivery()
    return due
