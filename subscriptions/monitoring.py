"""
What /metrics (newsroom.metrics) reports of the outbox and the worker:
how many emails wait, how long the oldest has waited, and when the task
worker last started or finished a task. Read at each scrape.
"""

from django.db.models import Max, Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsroom import metrics

from .models import EditionSend, OutboundEmail

OUTBOXES = (EditionSend, OutboundEmail)


def outbox_waiting():
    return sum(model.objects.waiting().count() for model in OUTBOXES)


def oldest_waiting_seconds():
    oldest = [
        model.objects.waiting().aggregate(oldest=Min("queued_at"))["oldest"]
        for model in OUTBOXES
    ]
    oldest = [moment for moment in oldest if moment is not None]
    return (timezone.now() - min(oldest)).total_seconds() if oldest else 0


def worker_last_seen():
    """When a worker last started or finished a task (Unix time), or None."""
    seen = DBTaskResult.objects.aggregate(
        started=Max("started_at"), finished=Max("finished_at")
    )
    moments = [moment for moment in seen.values() if moment is not None]
    return max(moments).timestamp() if moments else None


def tasks_waiting():
    return DBTaskResult.objects.ready().count()


def report():
    metrics.gauge(
        "outbox_waiting_emails",
        "Emails queued, claimed or being handed to the mail server.",
        outbox_waiting,
    )
    metrics.gauge(
        "outbox_oldest_waiting_seconds",
        "How long the longest-waiting email has waited (0: none waits).",
        oldest_waiting_seconds,
    )
    metrics.gauge(
        "worker_last_seen_timestamp_seconds",
        "When the task worker last started or finished a task.",
        worker_last_seen,
    )
    metrics.gauge(
        "tasks_waiting",
        "Tasks ready to run that no worker has taken yet.",
        tasks_waiting,
    )
