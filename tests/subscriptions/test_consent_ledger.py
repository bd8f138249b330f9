"""
Consent is an append-only ledger: one row per act (sign-up, confirmation,
change of preferences, unsubscribe) with the wording, its version, the
source and the time. A repeat sign-up adds a row; nothing is overwritten.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from subscriptions import signup
from subscriptions.consent import (
    CURRENT,
    NEWSLETTER_PREFERENCES,
    NEWSLETTER_SIGN_UP,
    wording,
)
from subscriptions.models import ConsentEvent, Subscription, preferences_url

from .factories import make_newsletter, sign_up_data

pytestmark = pytest.mark.django_db

SIGN_UP = "/newsletters/sign-up/"
CURRENT_CONSENT_VERSION = CURRENT[NEWSLETTER_SIGN_UP]


def ledger(subscription):
    return list(
        subscription.consent_events.values_list("act", "wording_version", "source")
    )


def test_a_repeat_sign_up_adds_to_the_ledger_and_keeps_the_first(settings):
    settings.NEWSLETTER_CONFIRMATION_INTERVAL = 0
    newsletter = make_newsletter()
    first = timezone.now() - timedelta(days=3)
    signup.request_subscription(
        email="reader@example.ie",
        newsletter=newsletter,
        consent_version=CURRENT_CONSENT_VERSION,
        source="/news/harbour/",
        now=first,
    )
    signup.request_subscription(
        email="reader@example.ie",
        newsletter=newsletter,
        consent_version=CURRENT_CONSENT_VERSION,
        source="/sport/hurling/",
    )
    subscription = Subscription.objects.get()
    events = list(subscription.consent_events.all())
    assert [(e.act, e.source) for e in events] == [
        ("signed_up", "/news/harbour/"),
        ("signed_up", "/sport/hurling/"),
    ]
    assert events[0].at == first
    assert events[0].wording == wording(NEWSLETTER_SIGN_UP).text
    assert subscription.consent_source == "/sport/hurling/"  # the latest


def test_sign_up_confirm_change_and_unsubscribe_each_add_one_row(client):
    newsletter = make_newsletter(slug="news-wrap")
    other = make_newsletter(slug="the-week")
    client.post(SIGN_UP, sign_up_data(newsletter, email="reader@example.ie"))
    subscription = Subscription.objects.get()
    client.post(subscription.get_confirm_url())
    client.post(
        preferences_url("reader@example.ie"), {"newsletters": ["news-wrap", "the-week"]}
    )
    client.post(subscription.get_unsubscribe_url(), {"List-Unsubscribe": "One-Click"})

    assert ledger(subscription) == [
        ("signed_up", CURRENT_CONSENT_VERSION, "/news/council-approves-harbour-plan/"),
        ("confirmed", CURRENT_CONSENT_VERSION, "confirmation link"),
        ("unsubscribed", CURRENT_CONSENT_VERSION, "one-click unsubscribe"),
    ]
    added = Subscription.objects.get(newsletter=other)
    [(act, version, source)] = ledger(added)
    assert (act, version) == ("changed", CURRENT[NEWSLETTER_PREFERENCES])
    assert source.startswith("/newsletters/preferences/")


def test_staff_unsubscribing_is_recorded_with_who_did_it(admin_client):
    newsletter = make_newsletter()
    subscription = Subscription.objects.create(
        email="reader@example.ie",
        newsletter=newsletter,
        status="confirmed",
        consent_text="Yes",
        consent_version=CURRENT_CONSENT_VERSION,
    )
    admin_client.post(
        "/admin/subscriptions/subscription/",
        {"action": "unsubscribe", "_selected_action": [subscription.pk]},
    )
    assert ledger(subscription) == [
        ("unsubscribed", CURRENT_CONSENT_VERSION, "admin, by admin")
    ]


def test_the_ledger_cannot_be_changed():
    newsletter = make_newsletter()
    signup.request_subscription(
        email="reader@example.ie",
        newsletter=newsletter,
        consent_version=CURRENT_CONSENT_VERSION,
        source="/news/",
    )
    event = ConsentEvent.objects.get()
    event.source = "/somewhere-else/"
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    with pytest.raises(TypeError, match="append-only"):
        ConsentEvent.objects.update(source="/elsewhere/")
    assert ConsentEvent.objects.get().source == "/news/"


def test_the_admin_shows_the_ledger_read_only(admin_client):
    newsletter = make_newsletter()
    signup.request_subscription(
        email="reader@example.ie",
        newsletter=newsletter,
        consent_version=CURRENT_CONSENT_VERSION,
        source="/news/harbour/",
    )
    subscription = Subscription.objects.get()
    page = admin_client.get(
        f"/admin/subscriptions/subscription/{subscription.pk}/change/"
    )
    assert page.status_code == 200
    assert "/news/harbour/" in page.text
    assert "Signed up" in page.text
