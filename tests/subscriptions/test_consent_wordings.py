"""
One registry of consent wordings (subscriptions.consent) serves the
newsletter and delivery forms; both ledgers record each act with the
wording's key, version and text, and share their rules (ConsentRecord).
"""

import pytest
from django.utils import timezone

from subscriptions import consent, signup
from subscriptions.models import ConsentEvent, DeliveryConsent, Subscription

from .factories import delivery_form_data, make_delivery_area, make_newsletter

pytestmark = pytest.mark.django_db


def test_every_current_wording_is_in_the_registry():
    for key, version in consent.CURRENT.items():
        assert consent.is_live(key, version)
        assert consent.wording(key) == consent.wording(key, version)


def test_an_unknown_version_is_not_live_and_has_no_wording():
    assert not consent.is_live(consent.NEWSLETTER_SIGN_UP, "1999-01")
    with pytest.raises(KeyError):
        consent.wording(consent.NEWSLETTER_SIGN_UP, "1999-01")


def test_both_forms_show_their_wording_from_the_registry(client):
    make_delivery_area(routing_keys=["A65"])
    newsletter = make_newsletter(slug="news-wrap")

    delivery_page = client.get("/delivery/").text
    newsletters_page = client.get(newsletter.get_absolute_url()).text

    assert consent.wording(consent.DELIVERY_TERMS).text in delivery_page
    assert consent.wording(consent.DELIVERY_MARKETING).text in delivery_page
    assert consent.wording(consent.NEWSLETTER_SIGN_UP).text in newsletters_page


def test_a_sign_up_records_the_wording_key_in_the_subscription_and_ledger():
    signup.request_subscription(
        email="reader@example.ie",
        newsletter=make_newsletter(),
        consent_version=consent.CURRENT[consent.NEWSLETTER_SIGN_UP],
        source="/news/",
    )

    subscription = Subscription.objects.get()
    assert subscription.consent_key == consent.NEWSLETTER_SIGN_UP
    assert ConsentEvent.objects.get().wording_key == consent.NEWSLETTER_SIGN_UP


def test_a_change_of_preferences_records_the_preferences_wording_key():
    newsletter = make_newsletter()

    signup.update_preferences("reader@example.ie", [newsletter], source="/prefs/")

    assert Subscription.objects.get().consent_key == consent.NEWSLETTER_PREFERENCES
    event = ConsentEvent.objects.get()
    assert (event.wording_key, event.wording) == (
        consent.NEWSLETTER_PREFERENCES,
        consent.wording(consent.NEWSLETTER_PREFERENCES).text,
    )


def test_the_delivery_form_records_each_box_by_its_wording_key(client):
    make_delivery_area(routing_keys=["A65"])

    client.post("/delivery/", delivery_form_data(marketing="on"))

    assert set(DeliveryConsent.objects.values_list("kind", "wording_key")) == {
        ("terms", consent.DELIVERY_TERMS),
        ("marketing", consent.DELIVERY_MARKETING),
    }


def test_a_ledger_row_is_named_by_what_happened_and_the_local_time(settings):
    settings.TIME_ZONE = "Europe/Dublin"
    signup.request_subscription(
        email="reader@example.ie",
        newsletter=make_newsletter(),
        consent_version=consent.CURRENT[consent.NEWSLETTER_SIGN_UP],
        source="/news/",
    )
    event = ConsentEvent.objects.get()

    assert str(event).startswith("Signed up at ")
    assert str(event).endswith(timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M"))
