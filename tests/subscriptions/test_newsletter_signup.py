"""Sign-up, double opt-in confirmation, and what a repeat sign-up does."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from subscriptions import outbound
from subscriptions.consent import CURRENT, NEWSLETTER_SIGN_UP, wording
from subscriptions.models import OutboundEmail, Subscription
from tests.html import parse, text
from tests.servers import free_port

from .factories import make_newsletter, make_subscription, sign_up_data

pytestmark = pytest.mark.django_db

SIGN_UP = "/newsletters/sign-up/"


def confirm_path(message):
    url = re.search(r"https?://\S+/newsletters/confirm/\S+/", message.body).group(0)
    assert url.startswith("http://testserver-site.example/")
    return url.removeprefix("http://testserver-site.example")


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "http://testserver-site.example"


def sign_up(client, newsletter, capture, **data):
    with capture(execute=True):
        return client.post(SIGN_UP, sign_up_data(newsletter, **data))


def test_sign_up_creates_a_pending_subscription_with_its_consent_record(
    client, django_capture_on_commit_callbacks
):
    """The row is pending and records the wording, its version, page and time."""
    newsletter = make_newsletter()
    before = timezone.now()

    response = sign_up(
        client,
        newsletter,
        django_capture_on_commit_callbacks,
        email=" Reader@Example.COM ",
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("subscriptions:newsletter-check-inbox")
    subscription = Subscription.objects.get()
    assert subscription.email == "reader@example.com"
    assert subscription.newsletter == newsletter
    assert subscription.status == Subscription.Status.PENDING
    assert subscription.consent_text == wording(NEWSLETTER_SIGN_UP).text
    assert subscription.consent_version == CURRENT[NEWSLETTER_SIGN_UP]
    assert subscription.consent_source == "/news/council-approves-harbour-plan/"
    assert subscription.consent_given_at >= before
    assert subscription.confirmed_at is None


def test_sign_up_sends_a_confirmation_email_with_an_absolute_signed_link(
    client, django_capture_on_commit_callbacks
):
    """Text and HTML parts carry the link; the time it left is recorded."""
    newsletter = make_newsletter(name="News Wrap")

    sign_up(client, newsletter, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reader@example.com"]
    assert "News Wrap" in message.subject
    path = confirm_path(message)
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f"http://testserver-site.example{path}" in html
    assert message.extra_headers["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )
    assert Subscription.objects.get().confirmation_sent_at is not None


def test_confirmation_link_get_shows_a_button_and_confirms_nothing(
    client, django_capture_on_commit_callbacks
):
    """Mail scanners fetch links; a GET must leave the subscription pending."""
    sign_up(client, make_newsletter(), django_capture_on_commit_callbacks)
    path = confirm_path(mail.outbox[0])

    response = client.get(path)

    assert response.status_code == 200
    assert b'<button type="submit">' in response.content
    assert b"csrfmiddlewaretoken" in response.content
    assert Subscription.objects.get().status == Subscription.Status.PENDING


def test_confirmation_button_post_confirms(django_capture_on_commit_callbacks):
    """The button's POST, with its CSRF token, confirms the subscription."""
    client = Client(enforce_csrf_checks=True)
    sign_up(client, make_newsletter(), django_capture_on_commit_callbacks)
    path = confirm_path(mail.outbox[0])
    page = client.get(path)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)

    response = client.post(path, {"csrfmiddlewaretoken": token.group(1).decode()})

    assert response.status_code == 200
    subscription = Subscription.objects.get()
    assert subscription.status == Subscription.Status.CONFIRMED
    assert subscription.confirmed_at is not None


def test_confirmation_post_without_csrf_token_is_refused(
    django_capture_on_commit_callbacks,
):
    """Confirming lives on an uncached page, so it keeps CSRF protection."""
    client = Client(enforce_csrf_checks=True)
    sign_up(client, make_newsletter(), django_capture_on_commit_callbacks)

    response = client.post(confirm_path(mail.outbox[0]))

    assert response.status_code == 403
    assert Subscription.objects.get().status == Subscription.Status.PENDING


def test_expired_or_tampered_confirmation_link_confirms_nothing(
    client, settings, django_capture_on_commit_callbacks
):
    """An expired or altered link shows a clear page and changes nothing."""
    sign_up(client, make_newsletter(), django_capture_on_commit_callbacks)
    path = confirm_path(mail.outbox[0])

    tampered = client.post(path.replace("/confirm/", "/confirm/x"))
    settings.NEWSLETTER_CONFIRMATION_MAX_AGE = -1
    expired = client.post(path)

    assert tampered.status_code == expired.status_code == 400
    assert b"not valid" in expired.content
    assert Subscription.objects.get().status == Subscription.Status.PENDING


def test_confirmation_link_of_an_unsubscribed_address_does_not_resubscribe(
    client, django_capture_on_commit_callbacks
):
    """After unsubscribing, an old confirmation email cannot sign the reader up."""
    sign_up(client, make_newsletter(), django_capture_on_commit_callbacks)
    path = confirm_path(mail.outbox[0])
    Subscription.objects.get().unsubscribe()

    response = client.post(path)

    assert response.status_code == 400
    assert Subscription.objects.get().status == Subscription.Status.UNSUBSCRIBED


def test_sign_up_posts_without_csrf_token(django_capture_on_commit_callbacks):
    """The form on cacheable pages carries no token and still works."""
    client = Client(enforce_csrf_checks=True)

    response = sign_up(client, make_newsletter(), django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert Subscription.objects.count() == 1


def test_repeat_sign_up_creates_no_second_row_and_resends_at_most_every_ten_minutes(
    client, django_capture_on_commit_callbacks
):
    """Same address in any case: one row; a second email only after ten minutes."""
    newsletter = make_newsletter()

    sign_up(client, newsletter, django_capture_on_commit_callbacks)
    sign_up(
        client,
        newsletter,
        django_capture_on_commit_callbacks,
        email="READER@example.com",
    )
    assert Subscription.objects.count() == 1
    assert len(mail.outbox) == 1

    Subscription.objects.update(
        confirmation_requested_at=timezone.now() - timedelta(minutes=11)
    )
    sign_up(client, newsletter, django_capture_on_commit_callbacks)
    assert Subscription.objects.count() == 1
    assert len(mail.outbox) == 2
    # The earlier link still works and confirms the one subscription.
    client.post(confirm_path(mail.outbox[0]))
    assert Subscription.objects.get().status == Subscription.Status.CONFIRMED


def test_repeat_sign_up_answers_exactly_like_a_new_one(
    client, django_capture_on_commit_callbacks
):
    """No address enumeration: new, pending and confirmed get the same reply."""
    newsletter = make_newsletter()
    make_subscription(email="known@example.com", newsletter=newsletter)
    make_subscription(
        email="pending@example.com",
        newsletter=newsletter,
        status=Subscription.Status.PENDING,
    )

    replies = [
        sign_up(client, newsletter, django_capture_on_commit_callbacks, email=address)
        for address in ["new@example.com", "known@example.com", "pending@example.com"]
    ]

    assert {(r.status_code, r["Location"]) for r in replies} == {
        (302, reverse("subscriptions:newsletter-check-inbox"))
    }
    # The confirmed reader is not emailed again; the other two are.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "new@example.com",
        "pending@example.com",
    ]
    assert (
        Subscription.objects.get(email="known@example.com").status
        == Subscription.Status.CONFIRMED
    )


def test_sign_up_after_unsubscribing_asks_for_confirmation_again(
    client, django_capture_on_commit_callbacks
):
    """An unsubscribed reader is pending again, with the new consent recorded."""
    newsletter = make_newsletter()
    old = make_subscription(
        email="reader@example.com",
        newsletter=newsletter,
        status=Subscription.Status.UNSUBSCRIBED,
        consent_source="/old/",
    )

    sign_up(client, newsletter, django_capture_on_commit_callbacks)

    old.refresh_from_db()
    assert old.status == Subscription.Status.PENDING
    assert old.consent_source == "/news/council-approves-harbour-plan/"
    assert len(mail.outbox) == 1


def test_one_address_may_sign_up_to_two_newsletters_at_once(
    client, django_capture_on_commit_callbacks
):
    """The rate limit is per subscription, so a second newsletter is not lost."""
    first, second = make_newsletter(), make_newsletter()

    sign_up(client, first, django_capture_on_commit_callbacks)
    sign_up(client, second, django_capture_on_commit_callbacks)

    assert Subscription.objects.count() == 2
    assert len(mail.outbox) == 2


def test_database_refuses_a_second_row_for_the_same_address_in_another_case():
    """The unique constraint is on the lower-cased address and the newsletter."""
    subscription = make_subscription(email="reader@example.com")
    clone = Subscription(
        email="x@example.com",
        newsletter=subscription.newsletter,
        consent_text="x",
        consent_version="x",
    )
    clone.save()

    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.filter(pk=clone.pk).update(email="READER@example.com")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"consent": None}, b"Tick the box"),
        ({"email": "not-an-address"}, b"Enter an email address like"),
        ({"email": ""}, b"Enter your email address."),
        ({"newsletter": "no-such-thing"}, b"not taking sign-ups"),
        ({"consent_version": "1999"}, b"wording beside the box has changed"),
    ],
)
def test_invalid_sign_up_shows_what_is_wrong_keeps_input_and_changes_nothing(
    client, overrides, message
):
    """The form page explains the problem, keeps what was typed, saves nothing."""
    newsletter = make_newsletter()
    data = sign_up_data(newsletter, email="typed@example.com")
    data.update({k: v for k, v in overrides.items() if v is not None})
    for key in [k for k, v in overrides.items() if v is None]:
        data.pop(key)

    response = client.post(SIGN_UP, data)

    assert response.status_code == 400
    assert message in response.content
    typed = data["email"]
    if typed:
        assert f'value="{typed}"'.encode() in response.content
    assert Subscription.objects.count() == 0
    assert mail.outbox == []


def test_sign_up_page_marks_each_wrong_field_and_keeps_what_was_typed(client):
    """
    Each message sits under its own field, which points to it; every value
    comes back as typed (quotes, ampersands and angle brackets too), the
    ticked box stays ticked, the chosen newsletter chosen, the honeypot empty.
    """
    make_newsletter(slug="daily", position=1)
    chosen = make_newsletter(slug="weekly", position=2)
    typed = """o'brien&"sons"<at>example.ie"""
    source = '/news/a-b/?x=1&y="2"'
    data = sign_up_data(chosen, email=typed, consent_version="1999", source=source)

    response = client.post(SIGN_UP, data)

    assert response.status_code == 400
    form = parse(response).select_one("form.newsletter-form")
    email = form.select_one('input[name="email"]')
    assert email["value"] == typed
    assert email["aria-invalid"] == "true"
    errors = form.select_one(f"ul#{email['aria-describedby']}")
    assert text(errors) == "Enter an email address like name@example.com."
    assert errors.find_previous_sibling("input") is email
    consent = form.select_one('input[name="consent"]')
    assert consent.has_attr("checked") and not consent.has_attr("aria-invalid")
    assert form.select_one("select[name=newsletter] option[selected]")["value"] == (
        "weekly"
    )
    assert form.select_one('input[name="source"]')["value"] == source
    # The wording changed since the page was served: said so, and the
    # current version goes back with the next try.
    version = form.select_one('input[name="consent_version"]')
    assert version["value"] == CURRENT[NEWSLETTER_SIGN_UP]
    assert "wording beside the box has changed" in text(
        version.find_previous_sibling("ul", class_="errorlist")
    )
    honeypot = form.select_one('div[hidden] input[name="website"]')
    assert not honeypot.has_attr("value")
    assert len(form.select("ul.errorlist")) == 2


def test_inactive_newsletter_takes_no_sign_ups(client):
    """A newsletter switched off refuses sign-ups with a message."""
    newsletter = make_newsletter(is_active=False)

    response = client.post(SIGN_UP, sign_up_data(newsletter))

    assert response.status_code == 400
    assert Subscription.objects.count() == 0


def test_source_outside_the_site_is_not_recorded(
    client, django_capture_on_commit_callbacks
):
    """Only a path on this site is kept as the consent's source page."""
    sign_up(
        client,
        make_newsletter(),
        django_capture_on_commit_callbacks,
        source="https://elsewhere.example/",
    )

    assert Subscription.objects.get().consent_source == ""


def test_mail_server_down_loses_no_sign_up(
    client, settings, django_capture_on_commit_callbacks
):
    """
    With the mail server refusing connections the sign-up is still saved and
    its confirmation waits in the outbox; it goes out once, when the server
    is back and its next attempt is due.
    """
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    newsletter = make_newsletter()

    response = sign_up(client, newsletter, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    subscription = Subscription.objects.get()
    assert subscription.confirmation_sent_at is None
    waiting = OutboundEmail.objects.about(subscription).get()
    assert waiting.status == OutboundEmail.Status.QUEUED
    assert "ConnectionRefusedError" in waiting.last_error
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    }
    assert outbound.deliver_batch() == {}  # Not due yet.
    OutboundEmail.objects.update(next_attempt_at=timezone.now())
    assert outbound.deliver_batch() == {"sent": 1}
    assert outbound.deliver_batch() == {}
    assert len(mail.outbox) == 1
    assert Subscription.objects.get().confirmation_sent_at is not None
