"""
Sending an edition through the real `manage.py db_worker`, in a subprocess
against the test database and a real SMTP server, including a worker killed
mid-batch and restarted.
"""

import io
import os
import sys
import time
from collections import Counter

import pytest
from django.core.management import call_command

from subscriptions.models import Edition, EditionSend, Subscription
from subscriptions.outbox import IN_DOUBT
from tests.factories import make_article
from tests.servers import database_url, start, stop, wait_for

from .factories import make_due_newsletter, make_subscription
from .smtp import SMTPSink

pytestmark = pytest.mark.django_db(transaction=True)

BATCH_SIZE = 5
CLAIM_SECONDS = 3


def start_worker(sink, log_path, **extra_env):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
        "SITE_URL": "https://news.example.org",
        "NEWSLETTER_BATCH_SIZE": str(BATCH_SIZE),
        "MAIL_RETRY_SECONDS": "1",
        "MAIL_CLAIM_SECONDS": str(CLAIM_SECONDS),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        **extra_env,
    }
    return start(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval=0.1",
        ],
        log_path,
        env,
    )


@pytest.fixture
def worker_settings(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MAIL_CLAIM_SECONDS = CLAIM_SECONDS
    settings.NEWSLETTER_BATCH_SIZE = BATCH_SIZE
    return settings


def test_edition_is_sent_by_the_db_worker_once_each_across_a_killed_worker(
    worker_settings, tmp_path
):
    """
    40 confirmed readers, one of them refused once by the mail server. The
    worker is killed mid-batch, the periodic run resumes the stalled send
    and a second worker finishes it: confirmed readers only, each mailed at
    most once, the refusal retried, nothing lost but (at most) the one
    message in doubt at the moment of the kill.
    """
    newsletter = make_due_newsletter(minimum_articles=1)
    make_article(published_at=newsletter.latest_slot())
    confirmed = [f"reader{n:02}@example.com" for n in range(40)]
    for email in confirmed:
        make_subscription(newsletter=newsletter, email=email)
    make_subscription(
        newsletter=newsletter,
        email="pending@example.com",
        status=Subscription.Status.PENDING,
    )
    make_subscription(
        newsletter=newsletter,
        email="left@example.com",
        status=Subscription.Status.UNSUBSCRIBED,
    )
    log = tmp_path / "worker.log"

    with SMTPSink(refuse_once={"reader03@example.com"}, delay=0.1) as sink:
        call_command("send_due_newsletters", stdout=io.StringIO())
        edition = Edition.objects.get()
        assert edition.status == Edition.Status.SENDING
        sent = EditionSend.objects.filter(status=EditionSend.Status.SENT)

        worker = start_worker(sink, log)
        try:
            wait_for(lambda: sent.count() >= 12, 60, "the first messages")
            worker.kill()
            worker.wait()
        finally:
            stop(worker)
        killed_at = sent.count()
        assert killed_at < len(confirmed), "the worker finished before the kill"

        time.sleep(CLAIM_SECONDS + 0.5)
        call_command("send_due_newsletters", stdout=io.StringIO())
        worker = start_worker(sink, log)
        try:
            wait_for(
                lambda: Edition.objects.get().status == Edition.Status.SENT,
                90,
                "the edition to be sent",
            )
        finally:
            stop(worker)

    received = Counter(sink.handler.recipients())
    assert max(received.values()) == 1, f"mailed twice: {received.most_common(3)}"
    assert "pending@example.com" not in received
    assert "left@example.com" not in received
    in_doubt = set(
        EditionSend.objects.filter(
            status=EditionSend.Status.FAILED, last_error=IN_DOUBT
        ).values_list("subscription__email", flat=True)
    )
    assert len(in_doubt) <= 1
    assert set(received) | in_doubt == set(confirmed)
    retried = EditionSend.objects.get(subscription__email="reader03@example.com")
    assert sink.handler.refused == ["reader03@example.com"]
    if "reader03@example.com" not in in_doubt:
        assert retried.status == EditionSend.Status.SENT
        assert retried.attempts == 2
    statuses = Counter(EditionSend.objects.values_list("status", flat=True))
    assert statuses[EditionSend.Status.SENT] == len(confirmed) - len(in_doubt)
    assert sum(statuses.values()) == len(confirmed)
    # Every message carried the one-click unsubscribe headers.
    for _, message in sink.messages:
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Unsubscribe"].startswith(
            "<https://news.example.org/newsletters/unsubscribe/"
        )
    edition.refresh_from_db()
    assert edition.sent_at is not None
