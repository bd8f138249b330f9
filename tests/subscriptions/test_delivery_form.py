"""The reader's home delivery request form: validation, saving, double submits."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from subscriptions import delivery
from subscriptions.forms import DeliveryRequestForm
from subscriptions.models import DeliveryRequest, DeliveryRequestEvent
from subscriptions.models.delivery import eircode_normalise
from tests.subscriptions.factories import delivery_form_data

pytestmark = pytest.mark.django_db

URL = "/delivery/"


def test_delivery_form_url_is_named_and_sits_before_the_sections():
    """The form answers at /delivery/, not at a section page called delivery."""
    assert reverse("subscriptions:delivery-request") == URL


def test_delivery_form_page_is_uncached_has_csrf_and_one_query(
    client, django_assert_num_queries
):
    """The GET costs one query (the section bar), has a CSRF token, is never cached."""
    with django_assert_num_queries(1):
        response = client.get(URL)
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in response.text
    assert 'name="idempotency_key"' in response.text
    assert "no-cache" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_delivery_form_offers_only_the_configured_days(client, settings):
    """DELIVERY_DAYS decides which days a reader may tick; others are refused."""
    settings.DELIVERY_DAYS = ["sat", "sun"]
    response = client.get(URL)
    assert 'value="sat"' in response.text
    assert 'value="sun"' in response.text
    assert 'value="mon"' not in response.text
    response = client.post(URL, delivery_form_data(delivery_days=["mon"]))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not DeliveryRequest.objects.exists()


@pytest.mark.parametrize("days", [["monday"], []])
def test_misconfigured_delivery_days_fail_loudly(settings, days):
    """A typo in DELIVERY_DAYS is an error, not a form nobody can send."""
    settings.DELIVERY_DAYS = days
    with pytest.raises(ImproperlyConfigured, match="DELIVERY_DAYS must list"):
        DeliveryRequestForm()


def _tomorrow():
    return delivery.delivery_earliest_start()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Enter your name."),
        ("email", "maire-at-example", "Enter an email address such as"),
        ("phone", "12345", "Enter a phone number we can call"),
        ("phone", "087 123 456", "Enter a phone number we can call"),
        ("phone", "+353 0 87 1234567", "Enter a phone number we can call"),
        ("address_line_1", "", "Enter the first line of your address."),
        ("town", "", "Enter your town or city."),
        ("county", "", "Choose your county."),
        ("county", "Narnia", "Select a valid choice"),
        ("eircode", "", "Enter your Eircode."),
        ("eircode", "A65 F4B2", "Enter a valid Eircode"),
        ("eircode", "6A5 F4E2", "Enter a valid Eircode"),
        ("eircode", "A65 F4E", "Enter a valid Eircode"),
        ("eircode", "D6X F4E2", "Enter a valid Eircode"),
        ("eircode", "A65 F4E2X", "Enter a valid Eircode"),
        ("delivery_days", [], "Choose at least one delivery day."),
        ("start_date", "", "Choose the day you would like delivery to start."),
        ("start_date", "next tuesday", "Enter the start date as a date"),
        ("start_date", "today", "at the earliest"),
        ("start_date", "yesterday", "at the earliest"),
        ("start_date", "far", "within the next 120 days"),
        ("terms", None, "Please agree to the terms"),
    ],
)
def test_invalid_delivery_field_is_refused_with_its_message_and_input_kept(
    client, field, value, message
):
    """Each bad field gets its own message; what was typed stays; nothing is saved."""
    relative = {
        "today": _tomorrow() - timedelta(days=1),
        "yesterday": _tomorrow() - timedelta(days=2),
        "far": _tomorrow() + timedelta(days=121),
    }
    if isinstance(value, str) and value in relative:
        value = relative[value].isoformat()
    data = delivery_form_data(**{field: value})
    response = client.post(URL, data)
    assert response.status_code == 200
    assert message in response.text
    assert not DeliveryRequest.objects.exists()
    assert not DeliveryRequestEvent.objects.exists()
    # The reader's other answers, and the bad one, are still in the form.
    for other, typed in {
        "address_line_1": "12 Church Street",
        "town": "Athlone",
    }.items():
        if other != field:
            assert f'value="{typed}"' in response.text
    assert "Beware of the dog." in response.text
    if isinstance(value, str) and value and field != "county":
        assert f'value="{value}"' in response.text


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("A65 F4E2", "A65 F4E2"),
        ("a65f4e2", "A65 F4E2"),
        ("  a65  f4e2 ", "A65 F4E2"),
        ("d6w xy12", "D6W XY12"),
        ("T12 X5P8", "T12 X5P8"),
    ],
)
def test_eircode_is_stored_normalised(typed, stored):
    """Spaces are optional and case does not matter; storage is `A65 F4E2`."""
    assert eircode_normalise(typed) == stored


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("087 123 4567", "+353871234567"),
        ("087-123-4567", "+353871234567"),
        ("(01) 234 5678", "+35312345678"),
        ("+353 87 123 4567", "+353871234567"),
        ("+353 (0)87 123 4567", "+353871234567"),
        ("00353 87 1234567", "+353871234567"),
        ("065 682 1234", "+353656821234"),
        ("+44 20 7946 0958", "+442079460958"),
        ("0044 20 7946 0958", "+442079460958"),
        ("+1 (212) 555-0100", "+12125550100"),
    ],
)
def test_phone_numbers_are_normalised_to_international_form(typed, stored):
    """Irish national and international formats all end up as +<country><number>."""
    assert delivery.phone_normalise(typed) == stored


@pytest.mark.parametrize(
    ("now", "earliest"),
    [
        # 23:30 UTC in summer is already 00:30 the next day in Dublin.
        (datetime(2026, 7, 1, 23, 30, tzinfo=UTC), date(2026, 7, 3)),
        (datetime(2026, 7, 1, 22, 30, tzinfo=UTC), date(2026, 7, 2)),
        # In winter Dublin keeps UTC.
        (datetime(2026, 1, 15, 23, 30, tzinfo=UTC), date(2026, 1, 16)),
    ],
)
def test_earliest_start_is_tomorrow_in_dublin(now, earliest):
    """'Tomorrow' is counted on the Irish calendar, whatever the server's clock."""
    assert delivery.delivery_earliest_start(now) == earliest


def test_form_keeps_the_hidden_key_when_it_shows_errors():
    """A form shown again with errors keeps its idempotency key."""
    key = str(uuid.uuid4())
    form = DeliveryRequestForm(data=delivery_form_data(idempotency_key=key, name=""))
    assert not form.is_valid()
    assert key in form["idempotency_key"].as_widget()
