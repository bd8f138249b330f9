"""
No personal data in logs: a sentinel name, email, phone and address go
through every public form and the emails the worker sends, over a real SMTP
server that refuses them once, then through the export and erasure of the
reader's data (commands and admin), and appear in no log record at any level.
"""

import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from subscriptions import outbound
from subscriptions.models import OutboundEmail, PersonalDataRequest, Subscription
from tests.factories import make_staff
from tests.subscriptions.factories import (
    delivery_form_data,
    make_delivery_area,
    make_newsletter,
    sign_up_data,
)
from tests.subscriptions.smtp import SMTPSink

pytestmark = pytest.mark.django_db

EMAIL = "zq7sentinel@example.ie"
SENTINELS = ["zq7sentinel", "7654329", "Qx9lane", "Wq8town"]
PERSONAL_DATA = "/admin/subscriptions/personaldatarequest/act/"


def test_no_form_or_worker_email_logs_the_readers_details(
    settings, caplog, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_CONFIRMATION_INTERVAL = 0
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sign-up:email": (2, 600)}
    newsletter = make_newsletter(slug="news-wrap")
    make_delivery_area(routing_keys=["A65"])
    client = Client(raise_request_exception=False)
    person = {
        "name": "Zq7sentinel Reader",
        "email": EMAIL,
        "phone": "087 765 4329",
        "address_line_1": "1 Qx9lane",
        "town": "Wq8town",
    }

    caplog.set_level(logging.DEBUG)

    def post(url, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    with SMTPSink(refuse_once=[EMAIL]) as sink:
        settings.MAILERS = sink.mailers_setting()
        # Newsletter sign-up: the confirmation is refused by the mail server
        # once, and waits in the outbox; invalid, rate-limited and honeypot
        # posts too.
        for _ in range(3):
            post("/newsletters/sign-up/", sign_up_data(newsletter, email=EMAIL))
        post("/newsletters/sign-up/", {"email": EMAIL + "x", "newsletter": "?"})
        post(
            "/newsletters/sign-up/", sign_up_data(newsletter, email=EMAIL, website="x")
        )
        subscription = Subscription.objects.get()
        post(subscription.get_confirm_url(), {})
        post(subscription.get_preferences_url(), {"newsletters": ["news-wrap"]})
        post(subscription.get_unsubscribe_url(), {})
        # Home delivery: invalid, then valid, its emails refused once.
        sink.handler.refuse_once.add(EMAIL)
        post("/delivery/", delivery_form_data(**person, eircode="nonsense"))
        post("/delivery/", delivery_form_data(**person))
        # The outbox's worker retries what was refused, once it is due.
        OutboundEmail.objects.update(next_attempt_at=timezone.now())
        assert outbound.deliver_batch() == {"sent": 2}
        # Readers' data rights: exported and erased from the command line and
        # the admin, then a delivery request whose confirmation is withheld.
        call_command("export_personal_data", EMAIL.upper(), stdout=StringIO())
        staff = make_staff("officer", ["subscriptions.manage_personal_data"])
        client.force_login(staff)
        for action in ("export", "erase"):
            post(PERSONAL_DATA, {"email": EMAIL, "action": action})
        post(PERSONAL_DATA, {"email": EMAIL, "action": "erase", "confirmed": "yes"})
        client.logout()
        call_command("erase_personal_data", EMAIL, interactive=False, stdout=StringIO())
        post("/delivery/", delivery_form_data(**person, eircode="A65 F4E3"))
    assert PersonalDataRequest.objects.count() == 4
    assert sink.handler.refused == [EMAIL, EMAIL]
    assert [EMAIL] in [rcpts for rcpts, _ in sink.messages]

    # What the test's own SMTP server logs (aiosmtpd's "mail.log") is not ours.
    records = [r for r in caplog.records if not r.name.startswith("mail.log")]
    logged = "".join(
        f"{record.getMessage()} {record.args!r} {record.exc_text or ''}".lower()
        for record in records
    )
    assert records  # the refusals and 4xx answers were logged
    messages = [record.getMessage() for record in records]
    assert any(m.startswith("Personal data request") for m in messages)
    assert any("withheld" in m for m in messages)
    leaks = [
        (r.name, r.levelname, r.getMessage()[:120])
        for r in records
        if any(
            s.lower() in f"{r.getMessage()} {r.args!r} {r.exc_text or ''}".lower()
            for s in SENTINELS
        )
    ]
    assert leaks == []
    for sentinel in SENTINELS:
        assert sentinel.lower() not in logged, sentinel
