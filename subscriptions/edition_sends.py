"""
Sending an edition to its subscribers in batches through the outbox
(subscriptions.outbox has the protocol and the retry policy): each
subscriber has one EditionSend row, unique per edition and subscription, so
nobody is mailed twice even when an edition is started twice. The
`deliver_edition` task sends a batch and queues whatever comes next.

A copy whose subscriber has unsubscribed, or whose address was erased, since
the edition was queued is cancelled rather than sent. A copy in doubt is
failed: an edition is not resent by hand.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Q
from django.tasks import task
from django.utils import timezone
from django.utils.crypto import get_random_string

from . import mail, outbox
from .models.editions import Edition, EditionSend
from .models.newsletters import Subscription
from .models.personal_data import suppressed_among


def queue_delivery(edition_id, run_after=None):
    """Enqueue a delivery task for the edition once the transaction commits."""

    def enqueue():
        the_task = deliver_edition
        if run_after is not None:
            if not the_task.get_backend().supports_defer:
                return  # The periodic run resumes it when it is due.
            the_task = the_task.using(run_after=run_after)
        the_task.enqueue(edition_id)

    transaction.on_commit(enqueue)


def claim_batch(edition_id, token, now, size=None):
    """Claim up to `size` due copies of the edition for this worker."""
    ids = outbox.claim_batch(
        EditionSend.objects.filter(edition_id=edition_id),
        token,
        now,
        size or settings.NEWSLETTER_BATCH_SIZE,
    )
    return list(
        EditionSend.objects.filter(pk__in=ids, claim_token=token)
        .select_related("subscription__newsletter")
        .order_by("pk")
    )


class Courier(outbox.Courier):
    """Sends claimed copies of one edition, rendered from what they share."""

    model = EditionSend

    def __init__(self, token, shared, suppressed=()):
        super().__init__(token)
        self.shared = shared
        self.suppressed = suppressed

    def mailer_alias(self, row):
        return settings.NEWSLETTER_MAILER

    def describe(self, row):
        return f"Edition send {row.pk}"

    def prepare(self, row):
        reason = None
        if row.subscription.status != Subscription.Status.CONFIRMED:
            reason = "No longer subscribed."
        elif row.subscription.email in self.suppressed:
            reason = "The address's personal data was erased; it is not mailed."
        if reason:
            raise outbox.Withdrawn(EditionSend.Status.CANCELLED, reason, "cancelled")
        return mail.edition_message(self.shared, row.subscription)


def deliver_batch(edition_id, size=None):
    """
    Claim and send one batch of the edition. Returns a count of outcomes
    ("sent", "retry", "failed", "unreachable", "cancelled", "lost").
    """
    token = get_random_string(32)
    rows = claim_batch(edition_id, token, timezone.now(), size)
    if not rows:
        return {}
    edition = Edition.objects.select_related("newsletter").get(pk=edition_id)
    # Suppressed addresses (subscriptions.models.personal_data), in one query.
    suppressed = suppressed_among({row.subscription.email for row in rows})
    courier = Courier(
        token, mail.edition_context(edition, edition.ordered_articles()), suppressed
    )
    outcomes = courier.send_all(rows)
    Edition.objects.filter(pk=edition_id).update(last_progress_at=timezone.now())
    return outcomes


def continue_delivery(edition_id):
    """
    After a batch: queue the next one, or a later one for retries and
    abandoned claims, or mark the edition sent when no row is left to send.
    """
    now = timezone.now()
    unfinished = EditionSend.objects.filter(edition_id=edition_id).waiting()
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
        candidates.append(waits["claim"] + outbox.lease() + timedelta(seconds=1))
    queue_delivery(edition_id, run_after=min(c for c in candidates if c))
    return "waiting"


@task
def deliver_edition(edition_id):
    """Send one batch of an edition, then queue whatever comes next."""
    outcomes = deliver_batch(edition_id)
    outcomes["next"] = continue_delivery(edition_id)
    return outcomes


def resume_stalled(now=None):
    """
    Re-queue delivery of editions that stopped making progress (a worker
    killed mid-task leaves its task marked running for ever). Returns how
    many were resumed.
    """
    now = now or timezone.now()
    lease = outbox.lease()
    stalled = Edition.objects.filter(
        status=Edition.Status.SENDING, last_progress_at__lt=now - lease
    )
    resumed = 0
    for edition in stalled:
        sends = EditionSend.objects.filter(edition=edition)
        held = [EditionSend.Status.CLAIMED, EditionSend.Status.SENDING]
        due = sends.due(now).exists()
        abandoned = sends.filter(status__in=held, claimed_at__lt=now - lease)
        finished = not sends.waiting().exists()
        if due or finished or abandoned.exists():
            Edition.objects.filter(pk=edition.pk).update(last_progress_at=now)
            with transaction.atomic():
                queue_delivery(edition.pk)
            resumed += 1
    return resumed
