"""
The outbox: every email the paper owes a reader (a newsletter confirmation,
a delivery request's two emails, each copy of an edition) is a row, sent at
most once, with retries and exponential backoff. One protocol for all:
subscriptions.outbound builds on it for transactional mail, and
subscriptions.edition_sends for editions. Their rows share their columns
(models.outbox.OutboxMessage).

Each row moves through these states, each move its own short, committed
transaction:

    queued --claim--> claimed --hand over--> sending --accepted--> sent
      ^                  |                      |
      +--lease expired---+                      +--refused, retry later--> queued
      +-----------------------------------------+
                                                +--refused for good------> failed
                                                +--lease expired---------> in doubt

Why nobody gets an email twice, even when a worker is killed mid-batch:

1. Claim. A worker takes a batch of due `queued` rows with
   SELECT … FOR UPDATE SKIP LOCKED (on SQLite, whose IMMEDIATE transactions
   let one writer in at a time, the same transaction is exclusive anyway),
   marks them `claimed` with its own random token and the time, and commits.
   Two workers can never claim the same row.
2. Hand over. Just before giving a message to the mail server the worker
   moves its row from `claimed` to `sending`, and commits, with an UPDATE
   that only matches while the row is still `claimed` *with its token*. If
   the worker was so slow that its lease ran out and another worker took
   the row, the update matches nothing and the slow worker skips it.
3. Record. When the server accepts the message the row becomes `sent`
   (matched by the token alone, so a late acceptance still counts), in the
   same UPDATE as the next row's hand-over (one commit per message). An
   attempt is counted with its outcome: accepted, or refused.

A worker killed at any moment leaves its rows `claimed` or (at most one)
`sending`. After MAIL_CLAIM_SECONDS, the next claim puts the `claimed`
ones back in the queue: they never reached the mail server, so sending them
cannot duplicate anything. The `sending` one may or may not have been
delivered, and we cannot know which, so it is marked in doubt (a transactional
email's `in_doubt`, which staff may resend; an edition's copy `failed`) with
`IN_DOUBT` as its reason, and never retried by itself: at most once wins
over at least once. Holding the database transaction open across the SMTP
conversation instead would turn a kill into a rollback, and every message
already accepted in that batch would then go out again. The one residue no
database can close is SMTP's own (RFC 1047): a server that took the whole
message but dropped the connection before saying so. That is reported as an
error and retried, as every mail system does.

Retries. A temporary refusal (a 4xx reply) or a server that cannot be reached
(refused, timed out, hung up) puts the row back in the queue, the next
attempt MAIL_RETRY_SECONDS later, doubling each time (newsroom.retries) up to
MAIL_RETRY_MAX_SECONDS; once the row has waited MAIL_RETRY_FOR_SECONDS since
it was queued, the next temporary refusal fails it, saying so. With the
defaults (1 minute, 1 hour, 24 hours) a mail server may be down for a day
and nothing is lost: about thirty attempts, the last within an hour after
the day. A permanent refusal (5xx) fails the row at once. When the server
cannot be reached, the rest of the batch waits as long, untried, rather
than each waiting for its own time-out.
"""

import logging
from contextlib import nullcontext, suppress
from datetime import timedelta

from django.conf import settings
from django.core.mail import mailers
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from newsroom.mail_errors import describe_mail_error, is_permanent, is_unreachable
from newsroom.retries import next_attempt_at

logger = logging.getLogger(__name__)

IN_DOUBT = (
    "The worker stopped while handing this message to the mail server; it may "
    "have been delivered, so it is not sent again unless staff resend it."
)


# The retry policy.


def lease():
    return timedelta(seconds=settings.MAIL_CLAIM_SECONDS)


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
    return False, retry_at(now, attempts), reason


def retry_at(now, attempts):
    """
    When a message is tried again after `attempts` refusals: MAIL_RETRY_SECONDS
    on, doubling up to MAIL_RETRY_MAX_SECONDS (newsroom.retries).
    """
    return next_attempt_at(
        now,
        attempts,
        first=settings.MAIL_RETRY_SECONDS,
        longest=settings.MAIL_RETRY_MAX_SECONDS,
    )


def not_tried(error):
    """Why a message waits untried: another of its batch found no mail server."""
    return f"Not tried: the mail server could not be reached ({type(error).__name__})."


def _duration(delta):
    seconds = int(delta.total_seconds())
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 60:
        return f"{seconds // 60} min"
    return f"{seconds} s"


# Claiming.


def release_abandoned(rows, now):
    """
    Among `rows`, return expired claims to the queue and put expired
    hand-overs in doubt. Returns how many rows it moved.
    """
    Status = rows.model.Status
    claimed, sending = Q(status=Status.CLAIMED), Q(status=Status.SENDING)

    def claimed_or_sending(field, if_claimed, if_sending):
        return Case(
            When(claimed, then=if_claimed),
            default=if_sending,
            output_field=rows.model._meta.get_field(field),
        )

    expired = rows.filter(claimed | sending, claimed_at__lt=now - lease()).update(
        status=claimed_or_sending(
            "status", Value(Status.QUEUED), Value(rows.model.DOUBT_STATUS)
        ),
        last_error=claimed_or_sending("last_error", F("last_error"), Value(IN_DOUBT)),
        claim_token="",
    )
    if expired:
        logger.warning(
            "Outbox (%s): %d abandoned messages re-queued, or marked in doubt if "
            "they were being handed to the mail server",
            rows.model._meta.verbose_name_plural,
            expired,
        )
    return expired


def claim_batch(rows, token, now, size):
    """Claim up to `size` due rows of `rows` for this worker; returns their ids."""
    with transaction.atomic():
        release_abandoned(rows, now)
        ids = list(
            rows.due(now)
            .order_by("next_attempt_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:size]
        )
        rows.model.objects.filter(pk__in=ids).update(
            status=rows.model.Status.CLAIMED, claim_token=token, claimed_at=now
        )
    return ids


# Sending.


class Courier:
    """
    Sends one claimed batch of `model`'s rows. An acceptance is recorded in
    the same statement as the next message's hand-over, so each message
    costs one round trip and one commit, and a worker never has more than
    one row in `sending`. A subclass says how a row becomes a message
    (`prepare`), which mail server it goes through (`mailer_alias`), which
    columns an acceptance empties (`cleared_when_sent`) and what else it
    records (`record_sent`).
    """

    model = None
    cleared_when_sent = {}

    def __init__(self, token):
        self.token = token
        self.accepted = []
        self.connections = {}

    def mine(self):
        return self.model.objects.filter(claim_token=self.token)

    def prepare(self, row):
        """The message for `row`; raise Withdrawn to send nothing."""
        raise NotImplementedError

    def mailer_alias(self, row):
        return "default"

    def describe(self, row):
        return f"{self.model._meta.verbose_name} {row.pk}"

    def record_sent(self, rows, now):
        """What else an acceptance records, in the transaction that records it."""

    def connection(self, alias):
        if alias not in self.connections:
            self.connections[alias] = mailers[alias]
        return self.connections[alias]

    def record_accepted(self):
        if self.accepted:
            accepted, self.accepted = self.accepted, []
            now = timezone.now()
            with transaction.atomic():
                self.mine().filter(pk__in=[row.pk for row in accepted]).update(
                    status=self.model.Status.SENT,
                    attempts=F("attempts") + 1,
                    sent_at=now,
                    last_error="",
                    **self.cleared_when_sent,
                )
                self.record_sent(accepted, now)

    def hand_over(self, row):
        """
        Mark `row` as being handed to the mail server, if it is still ours,
        and record the messages accepted since the last call as sent: one
        UPDATE, so one round trip and one commit. Returns whether `row` was
        still ours (the accepted rows always are: nothing else changes the
        token of a row in `sending`).
        """
        Status = self.model.Status
        now = timezone.now()
        this = Q(pk=row.pk)
        accepted, self.accepted = self.accepted, []

        def this_or_accepted(field, this_value, accepted_value):
            return Case(
                When(this, then=this_value),
                default=accepted_value,
                output_field=self.model._meta.get_field(field),
            )

        cleared = {
            field: this_or_accepted(
                field,
                F(field),
                Value(value, output_field=self.model._meta.get_field(field)),
            )
            for field, value in self.cleared_when_sent.items()
        }
        with transaction.atomic() if accepted else nullcontext():
            updated = (
                self.mine()
                .filter(
                    Q(pk__in=[row.pk for row in accepted])
                    | (this & Q(status=Status.CLAIMED))
                )
                .update(
                    status=this_or_accepted(
                        "status", Value(Status.SENDING), Value(Status.SENT)
                    ),
                    attempts=this_or_accepted(
                        "attempts", F("attempts"), F("attempts") + 1
                    ),
                    claimed_at=this_or_accepted(
                        "claimed_at", Value(now), F("claimed_at")
                    ),
                    sent_at=this_or_accepted("sent_at", F("sent_at"), Value(now)),
                    last_error=this_or_accepted(
                        "last_error", F("last_error"), Value("")
                    ),
                    **cleared,
                )
            )
            if accepted:
                self.record_sent(accepted, now)
        return updated > len(accepted)

    def send(self, row):
        """Hand one message to the mail server; return what became of it."""
        try:
            message = self.prepare(row)
        except Withdrawn as withdrawn:
            self.record_accepted()
            self.mine().filter(pk=row.pk, status=self.model.Status.CLAIMED).update(
                status=withdrawn.status, claim_token="", last_error=withdrawn.reason
            )
            return withdrawn.outcome
        except Exception as error:
            # Nothing will make this row sendable: fail it, and say why.
            error = ValueError(f"Cannot build the message: {error!r}")
            return self.record_refusal(row, error, attempts=row.attempts)
        if not self.hand_over(row):
            return "lost"  # Our lease ran out and another worker has it.
        mailer = self.connection(self.mailer_alias(row))
        try:
            # Kept open across the batch: send_messages() closes only what
            # it opened itself.
            mailer.open()
            mailer.send_messages([message])
        except Exception as error:
            return self.record_refusal(row, error, attempts=row.attempts + 1)
        self.accepted.append(row)
        return "sent"

    def record_refusal(self, row, error, attempts):
        Status = self.model.Status
        now = timezone.now()
        unreachable = is_unreachable(error)
        if unreachable:
            # The connection is gone; the next message opens a new one.
            alias = self.mailer_alias(row)
            with suppress(Exception):
                self.connection(alias).close()
            self.connections.pop(alias, None)
        final, next_attempt_at, last_error = refusal_outcome(
            error, row.queued_at, max(attempts, 1), now
        )
        self.mine().filter(pk=row.pk).update(
            status=Status.FAILED if final else Status.QUEUED,
            attempts=attempts,
            claim_token="",
            next_attempt_at=next_attempt_at,
            last_error=last_error,
        )
        # The reason, never the address: a refusal names it.
        log = logger.error if final else logger.warning
        log(
            "%s %s: %s",
            self.describe(row),
            "failed for good" if final else f"not sent, retry at {next_attempt_at}",
            describe_mail_error(error),
        )
        if unreachable:
            # Every other message of the batch would fail the same way now:
            # they wait as long, untried, their attempts uncounted.
            self.record_accepted()
            if final:
                next_attempt_at = retry_at(now, 1)
            self.mine().filter(status=Status.CLAIMED).update(
                status=Status.QUEUED,
                claim_token="",
                next_attempt_at=next_attempt_at,
                last_error=not_tried(error),
            )
            return "unreachable"
        return "failed" if final else "retry"

    def send_all(self, rows):
        """Send the claimed `rows` in order; returns a count of outcomes."""
        outcomes = {}
        try:
            for row in rows:
                outcome = self.send(row)
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
                if outcome == "unreachable":
                    break
        finally:
            self.close()
        return outcomes

    def close(self):
        self.record_accepted()
        for connection in self.connections.values():
            with suppress(Exception):
                connection.close()


class Withdrawn(Exception):
    """A claimed row that is not to be sent: `status` and `reason` say why."""

    def __init__(self, status, reason, outcome):
        super().__init__(reason)
        self.status, self.reason, self.outcome = status, reason, outcome
