"""
Renditions in the worker. Saving a picture (Image.save) stores its cleaned
original and one small JPEG, marks its renditions waiting and queues
`make_due_renditions`; the worker (`manage.py db_worker`) then makes the full
set, or only the crops when the focal point moved, and marks them ready.
Pages show the small JPEG until then, at the original's width and height.

The framework's tasks have no retries, so each picture carries its attempts
and next attempt: a failure (an unreadable file, storage that is down) is
tried again after a doubling wait (RENDITION_RETRY_SECONDS), up to
RENDITION_ATTEMPTS in all, after which the picture is marked failed with the
error and keeps its small JPEG. `manage.py make_renditions` makes them in its
own process (after a change of sizes, or for failed pictures).

A moved focal point goes to the worker too: cutting the crops means decoding
the whole original again (seconds for a large photograph), and until the new
crops exist pages keep showing the old ones, which are still right pictures.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.dispatch import receiver
from django.tasks import task
from django.utils import timezone

from newsroom.retries import claim_due, next_attempt_at

from .models import Image
from .models.images import RENDITION_STATE, RenditionsOutdated, renditions_wanted

logger = logging.getLogger(__name__)

# A 30-megapixel photograph's full set takes tens of seconds: a few a batch.
BATCH_SIZE = 5

Status = Image.RenditionsStatus


def enqueue_renditions(run_after=None):
    """
    Queue `make_due_renditions` (inside the caller's transaction, so the task
    commits with the picture). Returns its result, or None when it could not
    be queued: the picture stays waiting for `manage.py make_renditions`.
    """
    the_task = make_due_renditions
    if run_after is not None:
        if not the_task.get_backend().supports_defer:
            return None
        the_task = the_task.using(run_after=run_after)
    try:
        with transaction.atomic():
            return the_task.enqueue()
    except Exception:
        logger.exception("Could not queue the renditions task")
        return None


@receiver(renditions_wanted, dispatch_uid="queue_renditions")
def queue_renditions(sender, image, **kwargs):
    """A saved picture's renditions are queued for the worker."""
    return enqueue_renditions()


def claim(image, now):
    """
    Take a due picture for this worker: a worker that read it at the same
    time finds it taken. Should this one stop, it is due again after the
    lease (RENDITION_CLAIM_SECONDS).
    """
    return claim_due(
        Image.objects.filter(pk=image.pk, renditions_status=Status.WAITING),
        "renditions_due_at",
        image.renditions_due_at,
        now,
        lease=timedelta(seconds=settings.RENDITION_CLAIM_SECONDS),
    )


def build(image, now=None, full=False, retry=True):
    """
    Make the picture's renditions and record the outcome: the full set
    (always with `full`), or only the crops when the whole picture's are
    complete for the current sizes (the focal point moved). A failure is
    retried after a doubling wait (newsroom.retries) while attempts remain
    (and `retry`), else marked failed. Returns the status: "ready",
    "waiting", "failed", or "outdated" when the picture changed meanwhile
    (its save queued it again).
    """
    now = now or timezone.now()
    attempts = image.renditions_attempts + 1
    shapes_only = not full and not image.missing_renditions(shapes=False)
    try:
        # One transaction: the row stays locked (make_renditions checks it
        # still shows what was encoded) until the outcome is recorded.
        with transaction.atomic():
            image.make_renditions(shapes_only=shapes_only)
            image.renditions_status = Status.READY
            image.renditions_attempts = attempts
            image.renditions_due_at = None
            image.renditions_error = ""
            image.renditions_made_at = timezone.now()
            # Saved through the model: kept pages and parts drop the small JPEG.
            image.save(update_fields=[*RENDITION_STATE, "renditions_made_at"])
    except RenditionsOutdated:
        return "outdated"
    except Exception as error:
        logger.exception("Could not make the renditions of picture %s", image.pk)
        due_at = (
            next_attempt_at(
                now,
                attempts,
                first=settings.RENDITION_RETRY_SECONDS,
                longest=settings.RENDITION_RETRY_MAX_SECONDS,
                most=settings.RENDITION_ATTEMPTS,
            )
            if retry
            else None
        )
        status = Status.FAILED if due_at is None else Status.WAITING
        # Readers see nothing new: written past the kept pages.
        Image.objects.filter(pk=image.pk).update(
            renditions_status=status,
            renditions_attempts=attempts,
            renditions_due_at=due_at,
            renditions_error=f"{type(error).__name__}: {error}"[:300],
        )
        image.refresh_from_db(fields=RENDITION_STATE)
        return status
    return Status.READY


@task
def make_due_renditions():
    """Make the renditions of a batch of due pictures, then queue what comes next."""
    outcomes = {}
    now = timezone.now()
    for image in Image.objects.renditions_due(now).order_by("renditions_due_at")[
        :BATCH_SIZE
    ]:
        if claim(image, now):
            status = build(image, now)
            outcomes[status] = outcomes.get(status, 0) + 1
    continue_renditions()
    return outcomes


def continue_renditions():
    """Queue the next batch while pictures are due, else a run for the next retry."""
    if Image.objects.renditions_due().exists():
        enqueue_renditions()
        return
    earliest = Image.objects.filter(renditions_status=Status.WAITING).aggregate(
        at=Min("renditions_due_at")
    )["at"]
    if earliest is not None:
        enqueue_renditions(run_after=earliest)
