"""
The outbox of transactional mail under the real `manage.py db_worker`, in a
subprocess against the test database and a real SMTP server: retries run by
the worker alone, and a worker killed while handing an email over.
"""

import time
from collections import Counter
from types import SimpleNamespace

import pytest
from django.test import Client

from subscriptions import outbound
from subscriptions.models import OutboundEmail
from tests.servers import free_port, stop, wait_for

from .factories import delivery_form_data
from .smtp import SMTPSink
from .test_newsletter_worker import start_worker

pytestmark = pytest.mark.django_db(transaction=True)

Status = OutboundEmail.Status
Kind = OutboundEmail.Kind
READER = "maire@example.ie"
DESK = "desk@example.ie"
CLAIM_SECONDS = 2


@pytest.fixture
def worker_settings(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.CIRCULATION_DESK_EMAIL = DESK
    settings.MAIL_CLAIM_SECONDS = CLAIM_SECONDS
    return settings


def test_worker_alone_retries_a_greylisted_email_and_delivers_it_once(
    worker_settings, tmp_path
):
    """
    The server answers 451 twice to the reader's address, then accepts: the
    worker's own deferred runs retry it (no periodic run), and each email
    arrives exactly once.
    """
    with SMTPSink(refuse_times={READER: 2}) as sink:
        Client().post("/delivery/", delivery_form_data())
        reader = OutboundEmail.objects.filter(kind=Kind.DELIVERY_CONFIRMATION)
        worker = start_worker(sink, tmp_path / "worker.log")
        try:
            wait_for(
                lambda: reader.get().status == Status.SENT, 60, "the third attempt"
            )
        finally:
            stop(worker)

    assert sink.handler.refused == [READER, READER]
    assert Counter(sink.handler.recipients()) == {READER: 1, DESK: 1}
    assert reader.get().attempts == 3
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {Status.SENT}


def test_worker_alone_sends_everything_once_when_the_mail_server_comes_back(
    worker_settings, tmp_path
):
    """
    No mail server on the worker's port for a while: the emails wait, tried
    1, 2, 4… seconds apart (MAIL_RETRY_SECONDS=1); once a server listens on
    that port, each is delivered once, with no periodic run.
    """
    port = free_port()
    Client().post("/delivery/", delivery_form_data())
    emails = OutboundEmail.objects.order_by("pk")
    worker = start_worker(SimpleNamespace(port=port), tmp_path / "worker.log")
    try:
        wait_for(lambda: emails.first().attempts >= 3, 30, "attempts while it is down")
        assert set(emails.values_list("status", flat=True)) == {Status.QUEUED}
        with SMTPSink(port=port) as sink:
            wait_for(
                lambda: not emails.filter(status__in=OutboundEmail.WAITING).exists(),
                60,
                "delivery on recovery",
            )
    finally:
        stop(worker)

    assert set(emails.values_list("status", flat=True)) == {Status.SENT}
    assert Counter(sink.handler.recipients()) == {READER: 1, DESK: 1}


def test_worker_killed_while_handing_an_email_over_leaves_it_in_doubt(
    worker_settings, tmp_path
):
    """
    The worker is killed mid-conversation with a slow mail server. After its
    claim expires and the periodic run restarts a worker, the email it was
    handing over is "in doubt" and not sent again; the one it had claimed
    but not reached goes out once.
    """
    log = tmp_path / "worker.log"
    with SMTPSink(delay=4) as sink:
        Client().post("/delivery/", delivery_form_data())
        emails = OutboundEmail.objects.order_by("pk")
        worker = start_worker(sink, log)
        try:
            wait_for(
                lambda: emails.filter(status=Status.SENDING).exists(),
                60,
                "the first hand-over",
            )
            worker.kill()
            worker.wait()
        finally:
            stop(worker)
        handing_over = emails.get(status=Status.SENDING)
        assert emails.get(status=Status.CLAIMED).kind == Kind.DELIVERY_NOTIFICATION

        time.sleep(CLAIM_SECONDS + 0.5)
        # The periodic run finds the expired claims and restarts a worker.
        outbound.resume()
        worker = start_worker(sink, log)
        try:
            wait_for(
                lambda: not emails.filter(status__in=OutboundEmail.WAITING).exists(),
                60,
                "the second worker",
            )
        finally:
            stop(worker)

    handing_over.refresh_from_db()
    assert handing_over.status == Status.IN_DOUBT
    assert "may have been delivered" in handing_over.last_error
    assert emails.get(kind=Kind.DELIVERY_NOTIFICATION).status == Status.SENT
    received = Counter(sink.handler.recipients())
    assert received[DESK] == 1
    assert received[READER] <= 1
