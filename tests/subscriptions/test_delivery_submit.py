"""Submitting a delivery request: reference, routing, emails, history, once only."""

import logging
import uuid

import pytest
from django.core import mail
from django.utils import timezone

from subscriptions import delivery
from subscriptions.forms import DeliveryRequestForm
from subscriptions.models import DeliveryRequest, DeliveryRequestEvent, OutboundEmail
from subscriptions.models.weekdays import weekdays_written_out
from tests.factories import make_staff
from tests.servers import free_port
from tests.subscriptions.factories import (
    delivery_form_data,
    make_delivery_area,
    make_delivery_request,
)
from tests.subscriptions.smtp import SMTPSink

pytestmark = pytest.mark.django_db

URL = "/delivery/"


def _post(client, capture, data):
    with capture(execute=True):
        return client.post(URL, data)


def test_valid_request_gets_reference_area_emails_and_history(
    client, django_capture_on_commit_callbacks, settings
):
    """A good request is saved normalised, routed, mailed to both sides, recorded."""
    settings.CIRCULATION_DESK_EMAIL = "desk@example.ie"
    area = make_delivery_area(name="Athlone", newsagent="Lyons", routing_keys=["A65"])
    response = _post(client, django_capture_on_commit_callbacks, delivery_form_data())

    request = DeliveryRequest.objects.get()
    assert response.status_code == 302
    assert delivery.REFERENCE_ALPHABET
    assert request.reference.startswith("HD-") and len(request.reference) == 9
    assert set(request.reference[3:]) <= set(delivery.REFERENCE_ALPHABET)
    assert request.eircode == "A65 F4E2"
    assert request.routing_key == "A65"
    assert request.phone == "+353871234567"
    assert request.area == area
    assert request.status == DeliveryRequest.Status.NEW
    assert request.delivery_days == ["mon", "sat"]
    assert request.terms_accepted_at is not None
    assert request.marketing_consent_at is None
    assert request.confirmation_sent_at is not None
    assert request.desk_notified_at is not None

    reader, desk = mail.outbox
    assert reader.to == ["maire@example.ie"]
    assert request.reference in reader.subject
    assert request.reference in reader.body
    assert "A65 F4E2" in reader.body
    assert reader.alternatives[0].mimetype == "text/html"
    assert desk.to == ["desk@example.ie"]
    assert desk.reply_to == ["maire@example.ie"]
    assert "Athlone" in desk.subject
    assert "+353871234567" in desk.body
    assert f"/admin/subscriptions/deliveryrequest/{request.pk}/change/" in desk.body

    event = DeliveryRequestEvent.objects.get()
    assert event.request == request
    assert event.kind == DeliveryRequestEvent.Kind.SUBMITTED
    assert event.actor is None
    assert "Athlone" in event.summary

    done = client.get(response["Location"])
    assert request.reference in done.text
    assert "no-cache" in done["Cache-Control"]


def test_confirmation_page_and_emails_write_the_days_out(
    client, django_capture_on_commit_callbacks, settings
):
    """Readers see “Mondays and Saturdays”, never the codes “mon, sat”."""
    settings.CIRCULATION_DESK_EMAIL = "desk@example.ie"
    make_delivery_area(name="Athlone", newsagent="Lyons", routing_keys=["A65"])
    response = _post(client, django_capture_on_commit_callbacks, delivery_form_data())
    done = client.get(response["Location"])
    text = " ".join(done.text.split())
    assert "on the days you chose: Mondays and Saturdays." in text
    reader, desk = mail.outbox
    html = reader.alternatives[0].content
    for body in (reader.body, html, desk.body):
        assert "Mondays and Saturdays" in body
        assert "mon, sat" not in body.lower()
    assert "Days: Mondays and Saturdays" in reader.body


@pytest.mark.parametrize(
    ("days", "written"),
    [
        (["sat", "mon"], "Mondays and Saturdays"),
        (["sun"], "Sundays"),
        (["mon", "wed", "fri"], "Mondays, Wednesdays and Fridays"),
        (["mon", "tue", "wed", "thu", "fri"], "Monday to Friday"),
        (["fri", "sat", "sun"], "Friday to Sunday"),
        (["sat", "sun"], "Saturdays and Sundays"),
        (["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "every day"),
    ],
)
def test_delivery_days_are_written_out_as_people_say_them(days, written):
    """Plural day names joined with “and”; three days or more in a row: “A to B”."""
    assert weekdays_written_out(days) == written
    assert DeliveryRequest(delivery_days=days).delivery_days_written_out() == written


def test_marketing_consent_is_recorded_only_when_ticked(
    client, django_capture_on_commit_callbacks
):
    """The optional marketing box, ticked, stores when the reader agreed."""
    _post(
        client, django_capture_on_commit_callbacks, delivery_form_data(marketing="on")
    )
    assert DeliveryRequest.objects.get().marketing_consent_at is not None


def test_marketing_consent_box_starts_unticked(client):
    """The reader opts in; nothing is ticked for them."""
    html = client.get(URL).text
    marketing = html[
        html.index('name="marketing"') - 80 : html.index('name="marketing"') + 80
    ]
    assert "checked" not in marketing


def test_out_of_area_request_is_accepted_and_the_reader_told(
    client, django_capture_on_commit_callbacks
):
    """No active area covers it: saved without area, reader told the desk will call."""
    make_delivery_area(routing_keys=["A65"], is_active=False)
    make_delivery_area(routing_keys=["H91"])
    response = _post(client, django_capture_on_commit_callbacks, delivery_form_data())

    request = DeliveryRequest.objects.get()
    assert request.area is None
    assert request.is_out_of_area
    done = client.get(response["Location"])
    assert "desk will contact you" in done.text
    assert "We do not yet have a newsagent delivering to A65 F4E2" in done.text
    reader, desk = mail.outbox
    assert "desk will contact you" in reader.body
    assert "OUT OF AREA" in desk.subject


def test_double_submit_creates_one_request_and_shows_the_same_page(
    client, django_capture_on_commit_callbacks
):
    """The same form sent twice makes one request, two mails, one success page."""
    make_delivery_area()
    data = delivery_form_data()
    first = _post(client, django_capture_on_commit_callbacks, data)
    second = _post(client, django_capture_on_commit_callbacks, data)

    assert DeliveryRequest.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert client.get(first["Location"]).text == client.get(second["Location"]).text
    assert len(mail.outbox) == 2


def test_concurrent_double_submit_is_stopped_by_the_unique_key():
    """When both submits pass the check, the database's unique key keeps one."""
    key = uuid.uuid4()
    requests = []
    for _ in range(2):
        form = DeliveryRequestForm(data=delivery_form_data(idempotency_key=str(key)))
        assert form.is_valid(), form.errors
        requests.append(form.submit(source="/delivery/"))
    (first, created_first), (second, created_second) = requests
    assert created_first and not created_second
    assert first.pk == second.pk
    assert DeliveryRequest.objects.count() == 1
    assert DeliveryRequestEvent.objects.count() == 1


def test_reference_collision_draws_a_new_reference(monkeypatch):
    """A reference already taken is never reused: another one is drawn."""
    draws = iter(["HD-7K3Q9P", "HD-7K3Q9P", "HD-M4XW2R"])
    monkeypatch.setattr(delivery, "delivery_reference_new", lambda: next(draws))
    made = []
    for _ in range(2):
        form = DeliveryRequestForm(data=delivery_form_data())
        assert form.is_valid(), form.errors
        made.append(form.submit(source="/delivery/")[0].reference)
    assert made == ["HD-7K3Q9P", "HD-M4XW2R"]


def _mail_server_down():
    """MAILERS pointing at a port where no SMTP server listens."""
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }


def test_request_is_kept_when_the_mail_server_is_down(
    client, django_capture_on_commit_callbacks, settings, caplog
):
    """
    No SMTP server answering: the request is saved, both its emails wait in
    the outbox for their next attempt, and the failure is logged.
    """
    settings.MAILERS = _mail_server_down()
    with caplog.at_level(logging.WARNING, logger="subscriptions.outbound"):
        response = _post(
            client, django_capture_on_commit_callbacks, delivery_form_data()
        )
    assert response.status_code == 302
    request = DeliveryRequest.objects.get()
    assert request.confirmation_sent_at is None
    assert request.desk_notified_at is None
    waiting = OutboundEmail.objects.about(request)
    assert sorted(waiting.values_list("kind", "status")) == [
        (OutboundEmail.Kind.DELIVERY_CONFIRMATION, OutboundEmail.Status.QUEUED),
        (OutboundEmail.Kind.DELIVERY_NOTIFICATION, OutboundEmail.Status.QUEUED),
    ]
    assert waiting.filter(next_attempt_at__gt=timezone.now()).count() == 2
    assert "ConnectionRefusedError" in caplog.text
    assert request.reference in client.get(response["Location"]).text


def test_emails_that_failed_can_be_sent_again_from_the_admin(
    client, django_capture_on_commit_callbacks, settings
):
    """Once the mail server is back, the desk resends what did not go out, once."""
    settings.MAILERS = _mail_server_down()
    _post(client, django_capture_on_commit_callbacks, delivery_form_data())
    failed = DeliveryRequest.objects.get()
    delivered = make_delivery_request(
        confirmation_sent_at=timezone.now(), desk_notified_at=timezone.now()
    )
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    }
    client.force_login(make_staff("desk", groups=["Circulation"]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/subscriptions/deliveryrequest/",
            {"action": "resend_emails", "_selected_action": [failed.pk, delivered.pk]},
            follow=True,
        )
    assert "Emails queued again for 1 request(s)." in response.text
    assert [m.to for m in mail.outbox] == [
        ["maire@example.ie"],
        [settings.CIRCULATION_DESK_EMAIL],
    ]
    failed.refresh_from_db()
    assert failed.confirmation_sent_at is not None
    assert failed.desk_notified_at is not None


def test_emails_travel_through_a_real_smtp_server(
    client, django_capture_on_commit_callbacks, settings
):
    """End to end over SMTP: the reader and the desk each receive their message."""
    settings.CIRCULATION_DESK_EMAIL = "desk@example.ie"
    with SMTPSink() as sink:
        settings.MAILERS = sink.mailers_setting()
        _post(client, django_capture_on_commit_callbacks, delivery_form_data())
    request = DeliveryRequest.objects.get()
    assert [rcpts for rcpts, _ in sink.messages] == [
        ["maire@example.ie"],
        ["desk@example.ie"],
    ]
    reader = sink.messages[0][1]
    assert request.reference in reader["Subject"]
    assert request.reference in reader.get_body(("plain",)).get_content()
    assert "Mondays and Saturdays" in reader.get_body(("html",)).get_content()
    assert request.confirmation_sent_at is not None


def test_delivery_form_post_query_count(
    client,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
    django_assert_max_num_queries,
):
    """
    A refused POST costs 2 queries (the double-submit check, the section bar);
    a successful one 11 in the request (check, routing, savepoint, request,
    history, consents, the suppression list, the two emails into the outbox,
    release, and the content type until it is cached), then at most 23 in
    the outbox's task once the request commits: queued once per email, the
    first run claims and sends both, the second finds nothing left to do.
    """
    make_delivery_area()
    with django_assert_num_queries(2):
        _post(client, django_capture_on_commit_callbacks, delivery_form_data(name=""))
    with (
        django_capture_on_commit_callbacks() as after_commit,
        django_assert_max_num_queries(11),
    ):
        client.post(URL, delivery_form_data())
    with django_assert_max_num_queries(23):
        for callback in after_commit:
            callback()
    assert DeliveryRequest.objects.count() == 1
    assert len(mail.outbox) == 2
