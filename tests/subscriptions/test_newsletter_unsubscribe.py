"""Leaving and managing: one-click unsubscribe and the preferences page."""

import re

import pytest
from django.test import Client

from subscriptions.models import Subscription, preferences_url

from .factories import make_newsletter, make_subscription

pytestmark = pytest.mark.django_db


def test_one_click_unsubscribe_works_without_cookie_login_or_csrf_token():
    """RFC 8058: a mail client's POST with only the signed URL unsubscribes."""
    subscription = make_subscription()
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        subscription.get_unsubscribe_url(),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.UNSUBSCRIBED
    assert subscription.unsubscribed_at is not None


def test_unsubscribe_is_per_newsletter():
    """Leaving one newsletter keeps the reader's other newsletters."""
    leaving = make_subscription(email="reader@example.com")
    staying = make_subscription(email="reader@example.com")

    Client(enforce_csrf_checks=True).post(leaving.get_unsubscribe_url())

    leaving.refresh_from_db()
    staying.refresh_from_db()
    assert leaving.status == Subscription.Status.UNSUBSCRIBED
    assert staying.status == Subscription.Status.CONFIRMED


def test_unsubscribe_link_get_shows_a_button_and_changes_nothing(client):
    """Link prefetchers must not unsubscribe anyone; the page offers a button."""
    subscription = make_subscription()

    response = client.get(subscription.get_unsubscribe_url())

    assert response.status_code == 200
    assert b"<button" in response.content
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CONFIRMED


def test_unsubscribe_with_a_forged_token_changes_nothing(client):
    """Only the signed token of a subscription unsubscribes it."""
    subscription = make_subscription()
    forged = f"/newsletters/unsubscribe/{subscription.pk}:forged/"

    response = Client(enforce_csrf_checks=True).post(forged)

    assert response.status_code == 400
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CONFIRMED


def test_preferences_page_shows_every_newsletter_with_the_readers_choices(client):
    """The signed link lists all active newsletters, the reader's ones ticked."""
    mine = make_subscription(email="reader@example.com")
    other = make_newsletter(name="The Week")

    response = client.get(preferences_url("Reader@Example.com"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "reader@example.com" in content
    assert re.search(rf'value="{mine.newsletter.slug}"[^>]*checked', content)
    assert f'value="{other.slug}"' in content
    assert not re.search(rf'value="{other.slug}"[^>]*checked', content)


def test_preferences_post_unsubscribes_and_subscribes_at_once(client):
    """Unticking stops a newsletter immediately; ticking one adds it."""
    leaving = make_subscription(email="reader@example.com")
    joining = make_newsletter()
    url = preferences_url("reader@example.com")

    response = client.post(url, {"newsletters": [joining.slug]})

    assert response.status_code == 302
    leaving.refresh_from_db()
    assert leaving.status == Subscription.Status.UNSUBSCRIBED
    joined = Subscription.objects.get(newsletter=joining)
    assert joined.email == "reader@example.com"
    assert joined.status == Subscription.Status.CONFIRMED
    assert joined.consent_source == url
    assert b"saved" in client.get(response["Location"]).content


def test_preferences_post_needs_a_csrf_token():
    """The preferences page is uncached and keeps CSRF protection."""
    subscription = make_subscription(email="reader@example.com")

    response = Client(enforce_csrf_checks=True).post(
        preferences_url("reader@example.com"), {}
    )

    assert response.status_code == 403
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CONFIRMED


def test_preferences_with_a_forged_token_are_refused(client):
    """Another address's preferences need that address's signed link."""
    make_subscription(email="victim@example.com")

    response = client.get("/newsletters/preferences/victim@example.com:forged/")
    assert "victim@example.com" not in preferences_url("victim@example.com")

    assert response.status_code == 400
