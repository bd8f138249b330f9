"""
Transactional mail through an outbox, and the retry policy every email of the
paper follows (editions too: subscriptions.outbox).

Code that owes someone an email builds it and calls `email_queue()` inside its
own transaction: the OutboundEmail row commits with the sign-up or the
delivery request, or not at all, and a task sends it once the transaction has
committed. Each row moves through these states, each move its own short,
committed transaction, exactly as an edition's sends do:

    queued --claim--> claimed --hand over--> sending --accepted--> sent
      ^                  |                      |
      +--lease expired---+                      +--refused, retry later--> queued
      +-----------------------------------------+
                                                +--refused for good------> failed
                                                +--lease expired---------> in doubt

A worker claims due rows with SELECT … FOR UPDATE SKIP LOCKED, its own random
token and the time; marks a row `sending` (only while it still holds the
claim) just before handing it to the mail server; and records it `sent` once
the server accepts it. A worker killed mid-batch leaves its rows `claimed`,
which go back to the queue after MAIL_CLAIM_SECONDS (they never reached the
server), and at most one `sending`, which may or may not have been delivered:
that one is marked "in doubt" and never retried by itself. Staff see it in
the admin and may resend it: at most once wins over at least once.

Retries. A temporary refusal (a 4xx reply) or a server that cannot be reached
(refused, timed out, hung up) puts the row back in the queue, the next
attempt MAIL_RETRY_SECONDS later, doubling each time up to
MAIL_RETRY_MAX_SECONDS; once the row has waited MAIL_RETRY_FOR_SECONDS since
it was queued, the next temporary refusal fails it, saying so. With the
defaults (1 minute, 1 hour, 24 hours) a mail server may be down for a day
and nothing is lost: about thirty attempts, the last within an hour after
the day. A permanent refusal (5xx) fails the row at once. When the server
cannot be reached, the rest of the batch waits as long, untried, rather
than each waiting for its own time-out.
"""

import logging
from contextlib import suppress
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import Case, F, Min, Q, Value, When
from django.tasks import task
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string

from newsroom.mail_errors import describe_mail_error, is_permanent, is_unreachable

from .models.outbound import OutboundEmail

logger = logging.getLogger(__name__)

# Transactional mail comes a few at a time; a batch holds one connection.
BATCH_SIZE = 50

IN_DOUBT = (
    "The worker stopped while handing this message to the mail server; it may "
    "have been delivered, so it is not sent again unless staff resend it."
)


# The retry policy, shared with the editions' outbox.


def lease():
    return timedelta(seconds=settings.MAIL_CLAIM_SECONDS)


def backoff(attempts):
    """Seconds to wait after attempt `attempts`: base, 2×, 4×… up to the ceiling."""
    doubling = settings.MAIL_RETRY_SECONDS * 2 ** min(max(attempts - 1, 0), 30)
    return min(doubling, settings.MAIL_RETRY_MAX_SECONDS)


def refusal_outcome(error, queued_at, attempts, now):
    """
    What becomes of a message the mail server refused, or could not be
    reached for: (final, next_attempt_at, last_error).
    """
    reason = f"{type(error).__name__}: {error}"[:2000]
    if is_permanent(error):
        return True, now, reason
    window = timedelta(seconds=settings.MAIL_RETRY_FOR_SECONDS)
    if now - queued_at >= window:
        return (
            True,
            now,
            f"Still refused or unreachable after {attempts} attempts over "
            f"{_duration(now - queued_at)} (the retry window is "
            f"{_duration(window)}): {reason}",
        )
    return False, now + timedelta(seconds=backoff(attempts)), reason


def not_tried(error):
    """Why an email waits untried: another of its batch found no mail server."""
    return f"Not tried: the mail server could not be reached ({type(error).__name__})."


def _duration(delta):
    seconds = int(delta.total_seconds())
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 60:
        return f"{seconds // 60} min"
    return f"{seconds} s"


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


def release_abandoned(now):
    """Return expired claims to the queue; mark expired hand-overs in doubt."""
    Status = OutboundEmail.Status
    claimed, sending = Q(status=Status.CLAIMED), Q(status=Status.SENDING)
    expired = OutboundEmail.objects.filter(
        claimed | sending, claimed_at__lt=now - lease()
    ).update(
        status=Case(
            When(claimed, then=Value(Status.QUEUED)),
            default=Value(Status.IN_DOUBT),
            output_field=OutboundEmail._meta.get_field("status"),
        ),
        last_error=Case(
            When(claimed, then=F("last_error")),
            default=Value(IN_DOUBT),
            output_field=OutboundEmail._meta.get_field("last_error"),
        ),
        claim_token="",
    )
    if expired:
        logger.warning(
            "Outbox: %d abandoned emails re-queued, or marked in doubt if they "
            "were being handed to the mail server",
            expired,
        )


def claim_batch(token, now, size=None):
    """Claim up to `size` due emails for this worker (see the docstring)."""
    size = size or BATCH_SIZE
    with transaction.atomic():
        release_abandoned(now)
        ids = list(
            OutboundEmail.objects.due(now)
            .order_by("next_attempt_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:size]
        )
        OutboundEmail.objects.filter(pk__in=ids).update(
            status=OutboundEmail.Status.CLAIMED, claim_token=token, claimed_at=now
        )
    return list(
        OutboundEmail.objects.filter(pk__in=ids, claim_token=token).order_by(
            "next_attempt_at", "pk"
        )
    )


class Courier:
    """Sends one claimed batch, one connection per mail server alias."""

    def __init__(self, token):
        self.token = token
        self.connections = {}

    def mine(self):
        return OutboundEmail.objects.filter(claim_token=self.token)

    def connection(self, alias):
        if alias not in self.connections:
            self.connections[alias] = mailers[alias]
        return self.connections[alias]

    def send(self, row):
        """Hand one email to the mail server; return what became of it."""
        try:
            message = email_rebuild(row.message)
        except Exception as error:
            # Nothing will make this row sendable: fail it, and say why.
            return self.record_refusal(row, ValueError(f"Cannot rebuild: {error!r}"))
        now = timezone.now()
        handed_over = (
            self.mine()
            .filter(pk=row.pk, status=OutboundEmail.Status.CLAIMED)
            .update(status=OutboundEmail.Status.SENDING, claimed_at=now)
        )
        if not handed_over:
            return "lost"  # Our lease ran out and another worker has it.
        row.attempts += 1
        mailer = self.connection(row.mailer)
        try:
            mailer.open()
            mailer.send_messages([message])
        except Exception as error:
            return self.record_refusal(row, error)
        self.record_sent(row)
        return "sent"

    def record_sent(self, row):
        now = timezone.now()
        with transaction.atomic():
            self.mine().filter(pk=row.pk).update(
                status=OutboundEmail.Status.SENT,
                attempts=row.attempts,
                sent_at=now,
                last_error="",
                message={},
            )
            if row.content_type_id and row.sent_field:
                model = ContentType.objects.get_for_id(row.content_type_id)
                model.model_class()._base_manager.filter(pk=row.object_id).update(
                    **{row.sent_field: now}
                )

    def record_refusal(self, row, error):
        now = timezone.now()
        unreachable = is_unreachable(error)
        if unreachable:
            # The connection is gone; the next email opens a new one.
            with suppress(Exception):
                self.connection(row.mailer).close()
            self.connections.pop(row.mailer, None)
        final, next_attempt_at, last_error = refusal_outcome(
            error, row.queued_at, max(row.attempts, 1), now
        )
        self.mine().filter(pk=row.pk).update(
            status=OutboundEmail.Status.FAILED
            if final
            else OutboundEmail.Status.QUEUED,
            attempts=row.attempts,
            claim_token="",
            next_attempt_at=next_attempt_at,
            last_error=last_error,
        )
        # The reason, never the address: a refusal names it.
        log = logger.error if final else logger.warning
        log(
            "Email %s (%s) %s: %s",
            row.pk,
            row.get_kind_display(),
            "failed for good" if final else f"not sent, retry at {next_attempt_at}",
            describe_mail_error(error),
        )
        if unreachable:
            # The server is not there for the rest of the batch either: they
            # wait as long, untried, their attempts uncounted.
            if final:
                next_attempt_at = now + timedelta(seconds=backoff(1))
            self.mine().filter(status=OutboundEmail.Status.CLAIMED).update(
                status=OutboundEmail.Status.QUEUED,
                claim_token="",
                next_attempt_at=next_attempt_at,
                last_error=not_tried(error),
            )
            return "unreachable"
        return "failed" if final else "retry"

    def close(self):
        for connection in self.connections.values():
            with suppress(Exception):
                connection.close()


def deliver_batch(size=None):
    """
    Claim and send one batch of due emails. Returns a count of outcomes
    ("sent", "retry", "failed", "unreachable", "lost").
    """
    token = get_random_string(32)
    outcomes = {}
    courier = Courier(token)
    try:
        for row in claim_batch(token, timezone.now(), size):
            outcome = courier.send(row)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            if outcome == "unreachable":
                break
    finally:
        courier.close()
    return outcomes


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
        claimed_at__lt=now - lease(),
    ).exists()
    if due or abandoned:
        _enqueue_delivery()
    return due
