"""
The outbox: sending an edition to its subscribers in batches, each at most
once, with retries and exponential backoff.

Every recipient has one EditionSend row (unique per edition and
subscription), which moves through these states, each move its own short,
committed transaction:

    queued --claim--> claimed --hand over--> sending --accepted--> sent
      ^                  |                      |
      +--lease expired---+                      +--refused, retry later--> queued
      +-----------------------------------------+
                                                +--refused for good------> failed
                                                +--lease expired---------> failed
    queued/claimed --no longer subscribed, or suppressed--> cancelled

Why nobody gets an edition twice, even when a worker is killed mid-batch:

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
   same UPDATE as the next row's hand-over (one commit per message);
   when it refuses it, the row goes back to `queued` with `attempts` + 1 and
   `next_attempt_at` pushed back exponentially, or to `failed` once it has
   waited MAIL_RETRY_FOR_SECONDS or the refusal is permanent (5xx): the
   retry policy of all the paper's mail, in subscriptions.outbound. When the
   mail server cannot be reached, the rest of the batch waits as long,
   untried.

A worker killed at any moment leaves its rows `claimed` or (at most one)
`sending`. After MAIL_CLAIM_SECONDS, the next claim puts the `claimed`
ones back in the queue: they never reached the mail server, so sending them
cannot duplicate anything. The `sending` one may or may not have been
delivered, and we cannot know which, so it is marked `failed` with that
reason and never retried: at most once wins over at least once. Holding the
database transaction open across the SMTP conversation instead would turn a
kill into a rollback, and every message already accepted in that batch would
then go out again.

The one residue no database can close is SMTP's own (RFC 1047): a server that
took the whole message but dropped the connection before saying so. That is
reported as an error and retried, as every mail system does.

Why editions keep a table of their own rather than the transactional outbox
(subscriptions.outbound), whose protocol and retry policy they share: a row
per (edition, subscriber), unique, is what makes a second copy impossible
even when an edition is started twice; every copy is rendered from the one
edition when it is sent, so no message body is stored ten thousand times;
and an edition's progress is counted from its own rows, while the outbox's
admin list stays a short list of what individual readers are owed.
"""

import logging
from contextlib import suppress
from datetime import timedelta

from django.conf import settings
from django.core.mail import mailers
from django.db import transaction
from django.db.models import Case, F, Min, Q, Value, When
from django.utils import timezone
from django.utils.crypto import get_random_string

from newsroom.mail_errors import describe_mail_error, is_unreachable

from . import mail
from .models.newsletters import Edition, EditionSend, Subscription
from .models.personal_data import suppressed_among
from .outbound import backoff, lease, not_tried, refusal_outcome

logger = logging.getLogger(__name__)

IN_DOUBT = (
    "The worker stopped while handing this message to the mail server; it may "
    "have been delivered, so it is not sent again."
)


def queue_delivery(edition_id, run_after=None):
    """Enqueue a delivery task for the edition once the transaction commits."""
    from .tasks import deliver_edition

    def enqueue():
        task = deliver_edition
        if run_after is not None:
            if not task.get_backend().supports_defer:
                return  # The periodic run resumes it when it is due.
            task = task.using(run_after=run_after)
        task.enqueue(edition_id)

    transaction.on_commit(enqueue)


def release_abandoned(edition_id, now):
    """Return expired claims to the queue; fail expired hand-overs (in doubt)."""
    expired = EditionSend.objects.filter(
        edition_id=edition_id, claimed_at__lt=now - lease()
    )
    released = expired.filter(status=EditionSend.Status.CLAIMED).update(
        status=EditionSend.Status.QUEUED, claim_token=""
    )
    doubtful = expired.filter(status=EditionSend.Status.SENDING).update(
        status=EditionSend.Status.FAILED, last_error=IN_DOUBT
    )
    if released or doubtful:
        logger.warning(
            "Edition %s: %d abandoned claims re-queued, %d in doubt marked failed",
            edition_id,
            released,
            doubtful,
        )


def claim_batch(edition_id, token, now, size=None):
    """Claim up to `size` due rows for this worker; see the module docstring."""
    size = size or settings.NEWSLETTER_BATCH_SIZE
    with transaction.atomic():
        release_abandoned(edition_id, now)
        ids = list(
            EditionSend.objects.due(now)
            .filter(edition_id=edition_id)
            .order_by("next_attempt_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:size]
        )
        EditionSend.objects.filter(pk__in=ids).update(
            status=EditionSend.Status.CLAIMED, claim_token=token, claimed_at=now
        )
    return list(
        EditionSend.objects.filter(pk__in=ids, claim_token=token)
        .select_related("subscription__newsletter")
        .order_by("pk")
    )


class Courier:
    """
    Sends one claimed batch over one mail server connection. An acceptance
    is recorded in the same statement as the next message's hand-over, so
    each message costs one round trip and one commit, and a worker never has
    more than one row in `sending`.
    """

    def __init__(self, token, shared, suppressed=()):
        self.token = token
        self.shared = shared
        self.suppressed = suppressed
        self.mailer = mailers[settings.NEWSLETTER_MAILER]
        self.accepted = []

    def mine(self):
        return EditionSend.objects.filter(claim_token=self.token)

    def record_accepted(self):
        if self.accepted:
            self.mine().filter(pk__in=self.accepted).update(
                status=EditionSend.Status.SENT, sent_at=timezone.now(), last_error=""
            )
            self.accepted = []

    def hand_over(self, row):
        """
        Mark `row` as being handed to the mail server, if it is still ours,
        and record the messages accepted since the last call as sent: one
        UPDATE, so one round trip and one commit. Returns whether `row` was
        still ours (the accepted rows always are: nothing else changes the
        token of a row in `sending`).
        """
        now = timezone.now()
        this = Q(pk=row.pk)
        accepted, self.accepted = self.accepted, []

        def this_or_accepted(field, this_value, accepted_value):
            return Case(
                When(this, then=this_value),
                default=accepted_value,
                output_field=EditionSend._meta.get_field(field),
            )

        updated = (
            self.mine()
            .filter(Q(pk__in=accepted) | (this & Q(status=EditionSend.Status.CLAIMED)))
            .update(
                status=this_or_accepted(
                    "status",
                    Value(EditionSend.Status.SENDING),
                    Value(EditionSend.Status.SENT),
                ),
                attempts=this_or_accepted("attempts", F("attempts") + 1, F("attempts")),
                claimed_at=this_or_accepted("claimed_at", Value(now), F("claimed_at")),
                sent_at=this_or_accepted("sent_at", F("sent_at"), Value(now)),
                last_error=this_or_accepted("last_error", F("last_error"), Value("")),
            )
        )
        return updated > len(accepted)

    def send(self, row):
        """Hand one message to the mail server; return what became of it."""
        reason = None
        if row.subscription.status != Subscription.Status.CONFIRMED:
            reason = "No longer subscribed."
        elif row.subscription.email in self.suppressed:
            reason = "The address's personal data was erased; it is not mailed."
        if reason:
            self.record_accepted()
            self.mine().filter(pk=row.pk, status=EditionSend.Status.CLAIMED).update(
                status=EditionSend.Status.CANCELLED, claim_token="", last_error=reason
            )
            return "cancelled"
        message = mail.edition_message(self.shared, row.subscription)
        if not self.hand_over(row):
            return "lost"  # Our lease ran out and another worker has it.
        try:
            # Kept open across the batch: send_messages() closes only what
            # it opened itself.
            self.mailer.open()
            self.mailer.send_messages([message])
        except Exception as error:
            return self.record_refusal(row, error)
        self.accepted.append(row.pk)
        return "sent"

    def record_refusal(self, row, error):
        now = timezone.now()
        unreachable = is_unreachable(error)
        if unreachable:
            # The connection is gone; the next message opens a new one.
            with suppress(Exception):
                self.mailer.close()
        final, next_attempt_at, last_error = refusal_outcome(
            error, row.queued_at, row.attempts + 1, now
        )
        self.mine().filter(pk=row.pk).update(
            status=EditionSend.Status.FAILED if final else EditionSend.Status.QUEUED,
            claim_token="",
            next_attempt_at=next_attempt_at,
            last_error=last_error,
        )
        if final:
            logger.error(
                "Edition send %s failed for good: %s",
                row.pk,
                describe_mail_error(error),
            )
        if unreachable:
            # Every other message of the batch would fail the same way now:
            # they wait as long, untried, their attempts uncounted.
            self.record_accepted()
            if final:
                next_attempt_at = now + timedelta(seconds=backoff(1))
            self.mine().filter(status=EditionSend.Status.CLAIMED).update(
                status=EditionSend.Status.QUEUED,
                claim_token="",
                next_attempt_at=next_attempt_at,
                last_error=not_tried(error),
            )
            return "unreachable"
        return "failed" if final else "retry"

    def close(self):
        self.record_accepted()
        with suppress(Exception):
            self.mailer.close()


def deliver_batch(edition_id, size=None):
    """
    Claim and send one batch of the edition. Returns a count of outcomes
    ("sent", "retry", "failed", "unreachable", "cancelled", "lost").
    """
    token = get_random_string(32)
    rows = claim_batch(edition_id, token, timezone.now(), size)
    outcomes = {}
    if not rows:
        return outcomes
    edition = Edition.objects.select_related("newsletter").get(pk=edition_id)
    # Suppressed addresses (subscriptions.models.personal_data), in one query.
    suppressed = suppressed_among({row.subscription.email for row in rows})
    courier = Courier(
        token, mail.edition_context(edition, edition.ordered_articles()), suppressed
    )
    try:
        for row in rows:
            outcome = courier.send(row)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            if outcome == "unreachable":
                break
    finally:
        courier.close()
    Edition.objects.filter(pk=edition_id).update(last_progress_at=timezone.now())
    return outcomes


def continue_delivery(edition_id):
    """
    After a batch: queue the next one, or a later one for retries and
    abandoned claims, or mark the edition sent when no row is left to send.
    """
    now = timezone.now()
    unfinished = EditionSend.objects.filter(edition_id=edition_id).unfinished()
    if not unfinished.exists():
        Edition.objects.filter(pk=edition_id, status=Edition.Status.SENDING).update(
            status=Edition.Status.SENT, sent_at=now
        )
        return "finished"
    if (
        unfinished.filter(status=EditionSend.Status.QUEUED)
        .filter(next_attempt_at__lte=now)
        .exists()
    ):
        queue_delivery(edition_id)
        return "next batch"
    # Only retries waiting for their time, or rows other workers hold.
    waits = unfinished.aggregate(
        retry=Min("next_attempt_at", filter=Q(status=EditionSend.Status.QUEUED)),
        claim=Min("claimed_at", filter=~Q(status=EditionSend.Status.QUEUED)),
    )
    candidates = [waits["retry"]]
    if waits["claim"] is not None:
        candidates.append(waits["claim"] + lease() + timedelta(seconds=1))
    queue_delivery(edition_id, run_after=min(c for c in candidates if c))
    return "waiting"


def resume_stalled(now=None):
    """
    Re-queue delivery of editions that stopped making progress (a worker
    killed mid-task leaves its task marked running for ever). Returns how
    many were resumed.
    """
    now = now or timezone.now()
    stalled = Edition.objects.filter(
        status=Edition.Status.SENDING, last_progress_at__lt=now - lease()
    )
    resumed = 0
    for edition in stalled:
        sends = EditionSend.objects.filter(edition=edition)
        held = [EditionSend.Status.CLAIMED, EditionSend.Status.SENDING]
        due = sends.due(now).exists()
        abandoned = sends.filter(status__in=held, claimed_at__lt=now - lease())
        finished = not sends.unfinished().exists()
        if due or finished or abandoned.exists():
            Edition.objects.filter(pk=edition.pk).update(last_progress_at=now)
            with transaction.atomic():
                queue_delivery(edition.pk)
            resumed += 1
    return resumed
