"""
An erased address is never mailed again, over a real SMTP conversation:
no confirmation of an old sign-up, no edition, no delivery email. Its owner
lifts the suppression by signing up anew and confirming, the one email a
suppressed address may get being the confirmation of that new sign-up.
"""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core import signing
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from subscriptions import editions, signup
from subscriptions.models import (
    DeliveryRequest,
    EditionSend,
    Subscription,
    Suppression,
    is_suppressed,
)
from tests.factories import make_article

from .factories import (
    delivery_form_data,
    make_delivery_area,
    make_newsletter,
    make_subscription,
    sign_up_data,
)
from .smtp import SMTPSink

pytestmark = pytest.mark.django_db

ERASED = "gone@example.ie"
KEPT = "stays@example.ie"


@pytest.fixture
def sink(settings):
    settings.SITE_URL = "https://news.example.org"
    with SMTPSink() as sink:
        settings.MAILERS = sink.mailers_setting()
        yield sink


def erase(email=ERASED):
    call_command("erase_personal_data", email, interactive=False, stdout=StringIO())


def send_edition(newsletter, capture):
    make_article(published_at=newsletter.latest_slot() - timedelta(minutes=5))
    edition = editions.compose_edition(newsletter, newsletter.latest_slot())
    with capture(execute=True):
        editions.start_sending(edition)
    return edition


def test_an_edition_skips_a_suppressed_address_and_says_why(
    sink, django_capture_on_commit_callbacks
):
    """
    A confirmed subscription of a suppressed address (one restored from a
    backup, say) is cancelled at send time; the others are delivered.
    """
    newsletter = make_newsletter()
    erase(ERASED.upper())
    suppressed = make_subscription(newsletter=newsletter, email=ERASED)
    make_subscription(newsletter=newsletter, email=KEPT)

    send_edition(newsletter, django_capture_on_commit_callbacks)

    assert sink.handler.recipients() == [KEPT]
    send = EditionSend.objects.get(subscription=suppressed)
    assert send.status == EditionSend.Status.CANCELLED
    assert "erased" in send.last_error


def test_an_old_sign_up_gets_no_confirmation_after_erasure(sink):
    """A pending sign-up from before the erasure is not confirmed by email."""
    newsletter = make_newsletter()
    erase()
    earlier = timezone.now() - timedelta(hours=1)
    pending = make_subscription(
        newsletter=newsletter,
        email=ERASED,
        status=Subscription.Status.PENDING,
        consent_given_at=earlier,
    )

    assert signup.queue_confirmation(pending) is None
    assert sink.messages == []


def confirm_link(message):
    text = message.get_body(("plain",)).get_content()
    return re.search(r"https://news\.example\.org(/newsletters/confirm/\S+/)", text)[1]


def test_a_fresh_sign_up_and_its_confirmation_lift_the_suppression(
    sink, django_capture_on_commit_callbacks
):
    """
    The confirmation of a sign-up made after the erasure goes out; pressing
    its button proves the address is the reader's and lifts the
    suppression, so editions reach them again.
    """
    newsletter = make_newsletter()
    erase()
    client = Client()

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/newsletters/sign-up/", sign_up_data(newsletter, email=ERASED))

    assert sink.handler.recipients() == [ERASED]
    assert is_suppressed(ERASED)  # signing up alone lifts nothing
    client.post(confirm_link(sink.messages[0][1]))
    assert not is_suppressed(ERASED)
    assert Suppression.objects.get().lifted_at is not None

    send_edition(newsletter, django_capture_on_commit_callbacks)
    assert sink.handler.recipients() == [ERASED, ERASED]


def test_an_old_preferences_link_of_an_erased_address_leads_nowhere(client):
    """A link from before public ids carries the address; erasure voids it."""
    newsletter = make_newsletter(slug="wrap")
    make_subscription(newsletter=newsletter, email=ERASED)
    token = signing.dumps(ERASED, salt="subscriptions.preferences")
    assert client.get(f"/newsletters/preferences/{token}/").status_code == 200
    erase()

    page = client.post(f"/newsletters/preferences/{token}/", {"newsletters": ["wrap"]})

    assert page.status_code == 400
    assert not Subscription.objects.exists()


def test_a_subscription_confirmed_other_than_by_its_link_does_not_lift_it(
    sink, django_capture_on_commit_callbacks
):
    """
    Only the confirmation link lifts a suppression: a subscription confirmed
    another way (the preferences page's rule) still gets no edition.
    """
    newsletter = make_newsletter(slug="wrap")
    erase()

    signup.update_preferences(ERASED, [newsletter], source="/newsletters/")

    send_edition(newsletter, django_capture_on_commit_callbacks)
    assert sink.messages == []
    assert is_suppressed(ERASED)


def test_a_new_delivery_request_tells_the_desk_but_does_not_mail_the_address(
    sink, settings, django_capture_on_commit_callbacks
):
    """
    A delivery form proves nobody owns the address typed in it: the desk is
    told of the request, the suppressed address gets nothing, and the
    request's history says why.
    """
    make_delivery_area(routing_keys=["A65"])
    erase()

    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/delivery/", delivery_form_data(email=ERASED))

    assert sink.handler.recipients() == [settings.CIRCULATION_DESK_EMAIL]
    request = DeliveryRequest.objects.get()
    assert request.confirmation_sent_at is None
    assert request.desk_notified_at is not None
    assert request.events.filter(
        summary__startswith="Reader's confirmation not sent"
    ).exists()


def test_delivery_emails_still_reach_addresses_that_are_not_suppressed(
    sink, settings, django_capture_on_commit_callbacks
):
    make_delivery_area(routing_keys=["A65"])
    erase()

    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/delivery/", delivery_form_data(email=KEPT))

    assert sorted(sink.handler.recipients()) == sorted(
        [settings.CIRCULATION_DESK_EMAIL, KEPT]
    )
