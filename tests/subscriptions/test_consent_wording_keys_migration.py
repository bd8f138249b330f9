"""
Migration 0015 gives every existing consent row and subscription the key of
the wording its version and kind already imply, and changes nothing else.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.subscriptions.factories import make_migrated_delivery_request

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("subscriptions", "0014_outbox_shared_columns")
AFTER = ("subscriptions", "0015_consent_wording_keys")


def test_existing_rows_get_the_wording_key_of_their_version_and_kind(migrate):
    old = migrate(BEFORE)
    Newsletter = old.get_model("subscriptions", "Newsletter")
    Subscription = old.get_model("subscriptions", "Subscription")
    ConsentEvent = old.get_model("subscriptions", "ConsentEvent")
    DeliveryRequest = old.get_model("subscriptions", "DeliveryRequest")
    DeliveryConsent = old.get_model("subscriptions", "DeliveryConsent")
    at = timezone.now() - timedelta(days=3)
    newsletter = Newsletter.objects.create(name="News Wrap", slug="news-wrap")
    for email, version, text in (
        ("signed-up@example.ie", "2026-11", "Yes, email me."),
        ("ticked@example.ie", "preferences-2026-11", "Newsletters ticked…"),
    ):
        subscription = Subscription.objects.create(
            email=email,
            newsletter=newsletter,
            public_id=email,
            consent_text=text,
            consent_version=version,
        )
        ConsentEvent.objects.create(
            subscription=subscription,
            act="signed_up",
            wording=text,
            wording_version=version,
            source="/news/",
            at=at,
        )
    request = make_migrated_delivery_request(
        DeliveryRequest,
        reference="HD-AAAAAA",
        terms_accepted_at=at,
    )
    for kind in ("terms", "marketing"):
        DeliveryConsent.objects.create(
            request=request,
            kind=kind,
            wording=f"The {kind}.",
            wording_version="2026-11",
            at=at,
        )

    new = migrate(AFTER)

    Subscription = new.get_model("subscriptions", "Subscription")
    ConsentEvent = new.get_model("subscriptions", "ConsentEvent")
    DeliveryConsent = new.get_model("subscriptions", "DeliveryConsent")
    assert set(Subscription.objects.values_list("email", "consent_key")) == {
        ("signed-up@example.ie", "newsletter_sign_up"),
        ("ticked@example.ie", "newsletter_preferences"),
    }
    assert set(
        ConsentEvent.objects.values_list(
            "wording_key", "wording_version", "wording", "source", "at"
        )
    ) == {
        ("newsletter_sign_up", "2026-11", "Yes, email me.", "/news/", at),
        (
            "newsletter_preferences",
            "preferences-2026-11",
            "Newsletters ticked…",
            "/news/",
            at,
        ),
    }
    assert set(
        DeliveryConsent.objects.values_list("kind", "wording_key", "wording", "at")
    ) == {
        ("terms", "delivery_terms", "The terms.", at),
        ("marketing", "delivery_marketing", "The marketing.", at),
    }
