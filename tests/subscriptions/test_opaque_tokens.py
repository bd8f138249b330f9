"""
Links in newsletter emails carry a random identifier, signed, and nothing
readable about the reader (no address, no row number). Links sent before
keep working until they expire.
"""

import base64
import contextlib
import re

import pytest
from django.core import mail, signing

from subscriptions.models import Subscription

from .factories import make_newsletter, make_subscription, sign_up_data

pytestmark = pytest.mark.django_db


def readable_parts(token):
    """Everything a person could read back from a token, base64 or not."""
    parts = []
    for part in re.split(r"[:.]", token):
        parts.append(part)
        with contextlib.suppress(ValueError):
            parts.append(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    # Decoded bytes that are not text (a random id, a signature) say nothing.
    readable = []
    for part in parts:
        if isinstance(part, bytes):
            try:
                part = part.decode("utf-8")
            except UnicodeDecodeError:
                continue
        readable.append(part)
    return readable


def test_every_link_in_the_email_carries_no_address_or_row_number(
    client, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://news.example.org"
    newsletter = make_newsletter()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/newsletters/sign-up/", sign_up_data(newsletter, email="reader@example.ie")
        )
    subscription = Subscription.objects.get()
    [message] = mail.outbox
    links = re.findall(
        r"https://news\.example\.org(/newsletters/\S+?/(\S+?)/)", message.body
    )
    links.append((None, message.extra_headers["List-Unsubscribe"].split("/")[-2]))
    assert {path.split("/")[2] for path, _ in links if path} >= {
        "confirm",
        "unsubscribe",
    }
    links.append((None, subscription.get_preferences_url().split("/")[-2]))
    for _, token in links:
        assert token.split(":")[0] == subscription.public_id
        for part in readable_parts(token):
            assert "reader" not in part.lower()
            assert part.strip('"') != str(subscription.pk)


def test_public_ids_are_random_and_unique():
    ids = {make_subscription().public_id for _ in range(20)}
    assert len(ids) == 20
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", i) for i in ids)


def test_the_new_links_work(client):
    subscription = make_subscription(email="reader@example.ie", status="pending")
    assert client.post(subscription.get_confirm_url()).status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == "confirmed"
    page = client.get(subscription.get_preferences_url())
    assert page.status_code == 200 and "reader@example.ie" in page.text
    client.post(subscription.get_unsubscribe_url())
    subscription.refresh_from_db()
    assert subscription.status == "unsubscribed"


def legacy_links(subscription):
    """The links emails carried before public ids."""
    confirm = signing.dumps(subscription.pk, salt="subscriptions.confirm")
    unsubscribe = signing.Signer(salt="subscriptions.unsubscribe").sign(
        str(subscription.pk)
    )
    preferences = signing.dumps(subscription.email, salt="subscriptions.preferences")
    return {
        "confirm": f"/newsletters/confirm/{confirm}/",
        "unsubscribe": f"/newsletters/unsubscribe/{unsubscribe}/",
        "preferences": f"/newsletters/preferences/{preferences}/",
    }


def test_links_sent_before_public_ids_keep_working(client):
    subscription = make_subscription(email="reader@example.ie", status="pending")
    old = legacy_links(subscription)

    client.post(old["confirm"])
    subscription.refresh_from_db()
    assert subscription.status == "confirmed"
    page = client.get(old["preferences"])
    assert page.status_code == 200 and "reader@example.ie" in page.text
    client.post(old["unsubscribe"])
    subscription.refresh_from_db()
    assert subscription.status == "unsubscribed"


def test_old_links_stop_working_once_they_expire(client, settings):
    subscription = make_subscription(email="reader@example.ie", status="pending")
    old = legacy_links(subscription)
    settings.NEWSLETTER_CONFIRMATION_MAX_AGE = -1
    settings.NEWSLETTER_LEGACY_LINK_MAX_AGE = -1

    assert client.post(old["confirm"]).status_code == 400
    assert client.get(old["preferences"]).status_code == 400
    subscription.refresh_from_db()
    assert subscription.status == "pending"


def test_a_new_confirmation_link_expires_too(client, settings):
    subscription = make_subscription(status="pending")
    settings.NEWSLETTER_CONFIRMATION_MAX_AGE = -1
    assert client.post(subscription.get_confirm_url()).status_code == 400


def test_a_public_id_with_a_forged_signature_is_refused(client):
    subscription = make_subscription(email="reader@example.ie")
    for action in ("unsubscribe", "preferences"):
        url = f"/newsletters/{action}/{subscription.public_id}:forged/"
        assert client.get(url).status_code == 400
