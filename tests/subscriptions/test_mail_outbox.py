"""
The outbox of transactional mail: newsletter confirmations and delivery
requests' emails are queued with what they are about, sent once the
transaction commits, retried through a mail server's refusals and outages
for MAIL_RETRY_FOR_SECONDS, never sent twice, and shown to staff.

Time is simulated by moving the rows' times back, never by sleeping.
"""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import F, Min
from django.utils import timezone

from subscriptions import delivery, outbound, outbox
from subscriptions.models import DeliveryRequest, OutboundEmail, Subscription
from tests.factories import make_staff
from tests.servers import free_port

from .factories import (
    delivery_form_data,
    make_newsletter,
    sign_up_data,
)
from .smtp import SMTPSink

pytestmark = pytest.mark.django_db

Status = OutboundEmail.Status
Kind = OutboundEmail.Kind
READER = "maire@example.ie"
DESK = "desk@example.ie"


@pytest.fixture(autouse=True)
def _desk(settings):
    settings.CIRCULATION_DESK_EMAIL = DESK
    settings.SITE_URL = "https://news.example.org"


def smtp_at(port):
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2},
        }
    }


def post(client, capture, url, data):
    with capture(execute=True):
        return client.post(url, data)


def time_passes_until_the_next_attempt():
    """
    Move the clock on to the earliest next attempt, by moving every waiting
    email's times back as far. Returns how far, in seconds.
    """
    waiting = OutboundEmail.objects.filter(status=Status.QUEUED)
    earliest = waiting.aggregate(at=Min("next_attempt_at"))["at"]
    step = max(earliest - timezone.now(), timedelta(0))
    waiting.update(
        created_at=F("created_at") - step,
        queued_at=F("queued_at") - step,
        next_attempt_at=F("next_attempt_at") - step,
    )
    return step.total_seconds()


def test_confirmations_and_delivery_emails_leave_only_through_the_outbox(
    client, django_capture_on_commit_callbacks
):
    """
    Until the outbox's worker runs, nothing is sent: each email waits as a
    row about its subscription or request. The worker sends each once and
    records it on both, keeping no message body once sent.
    """
    newsletter = make_newsletter(name="News Wrap")
    with django_capture_on_commit_callbacks() as after_commit:
        client.post("/newsletters/sign-up/", sign_up_data(newsletter))
        client.post("/delivery/", delivery_form_data())

    assert mail.outbox == []
    subscription = Subscription.objects.get()
    request = DeliveryRequest.objects.get()
    queued = OutboundEmail.objects.order_by("pk")
    assert [(e.kind, e.recipient, e.status, e.about) for e in queued] == [
        (
            Kind.NEWSLETTER_CONFIRMATION,
            "reader@example.com",
            Status.QUEUED,
            subscription,
        ),
        (Kind.DELIVERY_CONFIRMATION, READER, Status.QUEUED, request),
        (Kind.DELIVERY_NOTIFICATION, DESK, Status.QUEUED, request),
    ]
    assert "News Wrap" in queued[0].subject
    assert request.reference in queued[1].subject

    for callback in after_commit:
        callback()

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["reader@example.com", READER, DESK]
    )
    assert set(queued.values_list("status", "attempts")) == {(Status.SENT, 1)}
    assert list(queued.values_list("message", flat=True)) == [{}, {}, {}]
    subscription.refresh_from_db()
    request.refresh_from_db()
    assert subscription.confirmation_sent_at is not None
    assert request.confirmation_sent_at is not None
    assert request.desk_notified_at is not None


def test_server_answering_451_twice_then_accepting_delivers_exactly_once(
    client, settings, django_capture_on_commit_callbacks
):
    """
    Over a real SMTP conversation: the reader's copy is greylisted twice,
    retried after 1 and then 2 minutes, and delivered once; the desk's
    notice, accepted at once, is not sent again.
    """
    with SMTPSink(refuse_times={READER: 2}) as sink:
        settings.MAILERS = sink.mailers_setting()
        post(
            client,
            django_capture_on_commit_callbacks,
            "/delivery/",
            delivery_form_data(),
        )
        reader = OutboundEmail.objects.get(kind=Kind.DELIVERY_CONFIRMATION)
        assert (reader.status, reader.attempts) == (Status.QUEUED, 1)
        assert "451" in reader.last_error

        waits = []
        for _ in range(2):
            waits.append(round(time_passes_until_the_next_attempt(), -1))
            outbound.deliver_batch()

    assert waits == [60, 120]
    assert sink.handler.refused == [READER, READER]
    assert Counter(sink.handler.recipients()) == {READER: 1, DESK: 1}
    reader.refresh_from_db()
    assert (reader.status, reader.attempts, reader.last_error) == (Status.SENT, 3, "")
    assert DeliveryRequest.objects.get().confirmation_sent_at is not None
    assert outbound.deliver_batch() == {}


def test_mail_server_down_for_a_day_loses_nothing_and_sends_each_email_once(
    client, settings, django_capture_on_commit_callbacks
):
    """
    With the default policy and no mail server listening for 23 hours 50
    minutes of simulated time, every email waits (each try stops at the
    first refused connection); when the server comes back on its port, the
    next attempt sends each email once.
    """
    assert settings.MAIL_RETRY_FOR_SECONDS == 24 * 3600
    port = free_port()
    settings.MAILERS = smtp_at(port)
    newsletter = make_newsletter()
    post(
        client,
        django_capture_on_commit_callbacks,
        "/newsletters/sign-up/",
        sign_up_data(newsletter),
    )
    post(client, django_capture_on_commit_callbacks, "/delivery/", delivery_form_data())
    emails = OutboundEmail.objects.order_by("pk")
    assert set(emails.values_list("status", flat=True)) == {Status.QUEUED}

    outage = 0
    while True:
        step = OutboundEmail.objects.aggregate(at=Min("next_attempt_at"))["at"]
        if outage + (step - timezone.now()).total_seconds() > 23 * 3600 + 50 * 60:
            break
        outage += time_passes_until_the_next_attempt()
        assert outbound.deliver_batch() == {"unreachable": 1}
    first = emails.first()
    assert set(emails.values_list("status", flat=True)) == {Status.QUEUED}
    assert first.attempts == 29
    assert "ConnectionRefusedError" in first.last_error
    assert first.next_attempt_at - first.queued_at > timedelta(hours=23, minutes=50)

    with SMTPSink(port=port) as sink:
        outcomes = Counter()
        while OutboundEmail.objects.filter(status=Status.QUEUED).exists():
            outage += time_passes_until_the_next_attempt()
            outcomes.update(outbound.deliver_batch())
    assert outcomes == {"sent": 3}
    assert outage < 25 * 3600

    assert Counter(sink.handler.recipients()) == {
        "reader@example.com": 1,
        READER: 1,
        DESK: 1,
    }
    assert set(emails.values_list("status", flat=True)) == {Status.SENT}


def test_an_email_refused_past_the_retry_window_fails_with_the_reason(
    client, settings, django_capture_on_commit_callbacks
):
    """
    A temporary refusal of an email queued longer ago than
    MAIL_RETRY_FOR_SECONDS fails it, saying so; a permanent one (550) fails
    at the first attempt.
    """
    with SMTPSink(refuse_times={READER: 99}) as sink:
        settings.MAILERS = sink.mailers_setting()

        async def refuse_desk(server, session, envelope, address, rcpt_options):
            if address == DESK:
                return "550 5.1.1 No such mailbox"
            return await type(sink.handler).handle_RCPT(
                sink.handler, server, session, envelope, address, rcpt_options
            )

        sink.handler.handle_RCPT = refuse_desk
        post(
            client,
            django_capture_on_commit_callbacks,
            "/delivery/",
            delivery_form_data(),
        )
        desk = OutboundEmail.objects.get(kind=Kind.DELIVERY_NOTIFICATION)
        assert (desk.status, desk.attempts) == (Status.FAILED, 1)
        assert "550" in desk.last_error

        reader = OutboundEmail.objects.filter(kind=Kind.DELIVERY_CONFIRMATION)
        reader.update(
            queued_at=timezone.now() - timedelta(hours=23, minutes=59),
            next_attempt_at=timezone.now(),
        )
        outbound.deliver_batch()
        assert reader.get().status == Status.QUEUED
        reader.update(
            queued_at=timezone.now() - timedelta(hours=24),
            next_attempt_at=timezone.now(),
        )
        outbound.deliver_batch()

    failed = reader.get()
    assert (failed.status, failed.attempts) == (Status.FAILED, 3)
    assert "after 3 attempts over 24.0 h (the retry window is 24.0 h)" in (
        failed.last_error
    )
    assert "451" in failed.last_error
    assert sink.messages == []


def test_a_worker_stopped_mid_hand_over_leaves_the_email_in_doubt_unsent(
    client, django_capture_on_commit_callbacks
):
    """
    A worker that stopped after claiming a batch: once its claim expires,
    the emails it had not handed over are sent by the next run; the one it
    was handing to the mail server is marked in doubt and not sent again
    until staff resend it.
    """
    with django_capture_on_commit_callbacks():
        client.post("/delivery/", delivery_form_data())
        client.post("/delivery/", delivery_form_data(email="second@example.ie"))
    long_ago = timezone.now() - timedelta(hours=1)
    OutboundEmail.objects.update(next_attempt_at=long_ago)
    claimed = outbound.claim_batch("deadworker", long_ago)
    assert len(claimed) == 4
    OutboundEmail.objects.filter(pk=claimed[0].pk).update(status=Status.SENDING)

    assert outbound.deliver_batch() == {"sent": 3}
    assert outbound.deliver_batch() == {}

    doubtful = OutboundEmail.objects.get(pk=claimed[0].pk)
    assert doubtful.status == Status.IN_DOUBT
    assert "may have been delivered" in doubtful.last_error
    assert doubtful.recipient == READER
    assert sorted(m.to[0] for m in mail.outbox) == [DESK, DESK, "second@example.ie"]

    client.force_login(make_staff("ops", ["subscriptions.change_outboundemail"]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/subscriptions/outboundemail/",
            {"action": "resend", "_selected_action": [doubtful.pk]},
            follow=True,
        )
    assert "1 email(s) queued to be sent now." in response.text
    doubtful.refresh_from_db()
    assert doubtful.status == Status.SENT
    assert len(mail.outbox) == 4


def test_desk_resends_a_requests_emails_once_the_mail_server_is_back(
    client, settings, django_capture_on_commit_callbacks
):
    """
    The delivery desk's "resend" tries waiting emails at once and queues
    failed ones again, without a second row; emails already sent are left.
    """
    settings.MAILERS = smtp_at(free_port())
    post(client, django_capture_on_commit_callbacks, "/delivery/", delivery_form_data())
    request = DeliveryRequest.objects.get()
    OutboundEmail.objects.filter(kind=Kind.DELIVERY_NOTIFICATION).update(
        status=Status.FAILED
    )
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    }

    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.delivery_emails_resend(DeliveryRequest.objects.all()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.delivery_emails_resend(DeliveryRequest.objects.all()) == 0

    assert sorted(m.to[0] for m in mail.outbox) == [DESK, READER]
    assert OutboundEmail.objects.count() == 2
    request.refresh_from_db()
    assert request.confirmation_sent_at and request.desk_notified_at


def test_repeated_sign_ups_while_a_confirmation_waits_queue_no_second_one(
    client, settings, django_capture_on_commit_callbacks
):
    """A confirmation waiting for its retry is not queued again by a new sign-up."""
    settings.NEWSLETTER_CONFIRMATION_INTERVAL = 0
    settings.MAILERS = smtp_at(free_port())
    newsletter = make_newsletter()
    for _ in range(3):
        post(
            client,
            django_capture_on_commit_callbacks,
            "/newsletters/sign-up/",
            sign_up_data(newsletter),
        )

    assert OutboundEmail.objects.get().status == Status.QUEUED


def test_the_periodic_run_sends_the_emails_whose_retry_is_due(
    client, settings, django_capture_on_commit_callbacks
):
    """
    `send_due_newsletters` restarts the outbox's worker for due retries
    (with the database backend, the worker's own deferred run does too).
    """
    settings.MAILERS = smtp_at(free_port())
    post(client, django_capture_on_commit_callbacks, "/delivery/", delivery_form_data())
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    }
    out = StringIO()

    call_command("send_due_newsletters", stdout=out)
    assert "emails due in the outbox: 0" in out.getvalue()
    assert mail.outbox == []

    time_passes_until_the_next_attempt()
    call_command("send_due_newsletters", stdout=out)
    assert "emails due in the outbox: 2" in out.getvalue()
    assert sorted(m.to[0] for m in mail.outbox) == [DESK, READER]


def test_emails_go_with_what_they_are_about(client, django_capture_on_commit_callbacks):
    """
    Anonymising a delivery request deletes its emails in the outbox (they
    hold its details); deleting a subscription deletes its confirmation.
    """
    newsletter = make_newsletter()
    with django_capture_on_commit_callbacks():
        client.post("/newsletters/sign-up/", sign_up_data(newsletter))
        client.post("/delivery/", delivery_form_data())
    request = DeliveryRequest.objects.get()
    DeliveryRequest.objects.update(
        status=DeliveryRequest.Status.CANCELLED,
        closed_at=timezone.now() - timedelta(days=400),
    )

    assert delivery.delivery_requests_anonymise(timezone.now()) == 1
    assert not OutboundEmail.objects.about(request).exists()
    Subscription.objects.all().delete()
    assert not OutboundEmail.objects.exists()


def outbox_page(client):
    return client.get("/admin/subscriptions/outboundemail/")


def test_admin_lists_what_waits_and_why_to_staff_allowed_to_see_it(
    client, settings, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    """
    The list shows status, kind, recipient, attempts, next attempt and the
    last error, most urgent first, in a fixed number of queries.
    """
    settings.MAILERS = smtp_at(free_port())
    for n in range(3):
        post(
            client,
            django_capture_on_commit_callbacks,
            "/delivery/",
            delivery_form_data(email=f"reader{n}@example.ie"),
        )
    OutboundEmail.objects.filter(pk=OutboundEmail.objects.order_by("pk")[0].pk).update(
        status=Status.IN_DOUBT, last_error=outbox.IN_DOUBT
    )
    client.force_login(make_staff("ops", ["subscriptions.view_outboundemail"]))

    with django_assert_max_num_queries(9):
        response = outbox_page(client)

    assert response.status_code == 200
    page = response.text
    assert page.count('class="field-recipient"') == 6
    assert "reader2@example.ie" in page
    assert "In doubt (may have been delivered)" in page
    assert "ConnectionRefusedError" in page
    assert "Delivery: desk notice" in page
    rows = page[page.index("<tbody>") :]
    assert rows.index("In doubt") < rows.index("Queued")
    # Seeing is not resending: that takes the change permission.
    assert 'value="resend"' not in page
    detail = client.get(
        f"/admin/subscriptions/outboundemail/{OutboundEmail.objects.first().pk}/change/"
    )
    assert detail.status_code == 200
    assert "Not tried: the mail server could not be reached" in detail.text
    assert 'name="_save"' not in detail.text


def test_outbox_is_hidden_from_circulation_and_staff_without_permission(client):
    """The circulation desk and other staff neither see nor open the outbox."""
    for user in (
        make_staff("desk", groups=["Circulation"]),
        make_staff("someone"),
    ):
        client.force_login(user)
        assert outbox_page(client).status_code == 403
        assert "Outbound emails" not in client.get("/admin/").text
